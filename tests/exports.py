"""Reading an export in tests: exports stream (people.exports), so their body is joined from the
chunks, which is also when their rows are read from the database."""


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content
