"""What a named answer changes elsewhere: the learning-needs survey fills the learning profile that
"for you" reads (through the catalog's LEARNING_PREFERENCES_SET port)."""

from people.registry import LEARNING_PREFERENCES_SET, registry

from ..models import Kind, Survey


def named_response_effects(*, survey: Survey, employee, answers) -> None:
    if survey.kind != Kind.LEARNING_NEEDS:
        return
    formats, wishes = [], ""
    for answer in answers:
        question = answer.question
        if question.key == "formats" and answer.value is not None:
            position = int(answer.value) - 1
            if 0 <= position < len(question.choices):
                formats.append(question.choices[position].get("value", ""))
        elif question.key == "topics":
            wishes = answer.text
    registry.use(LEARNING_PREFERENCES_SET)(employee, [f for f in formats if f], wishes)
