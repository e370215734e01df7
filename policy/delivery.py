"""The thin seam to the communication app's delivery service: one system message per reminder key,
sent to a list of employees. The delivery service keeps one Delivery per message × person × channel,
so calling this twice with the same key sends nothing twice."""

import time

from . import conf


def reminder_deliver(*, key: str, subject: str, body: str, link: str, employee_ids: list[int], batch: int) -> int:
    from comms.services import message_send, system_message_upsert

    message = system_message_upsert(key=key, subject=subject, body=body, link=link, category="reminders")
    pause = conf.batch_pause()
    created = 0
    for i in range(0, len(employee_ids), batch):
        if i and pause:
            time.sleep(pause)
        created += message_send(message=message, employee_ids=employee_ids[i : i + batch]) or 0
    return created
