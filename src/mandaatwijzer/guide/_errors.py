"""The guide's exception family. Each class carries a stable code and an exit code."""

from __future__ import annotations


class GuideError(Exception):
    """Base of every error the guide raises on purpose."""

    code = "guide_error"
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FlowFormatError(GuideError):
    """A flow or glossary file is malformed: says where, what is wrong and what was expected."""

    code = "flow_format"
    exit_code = 3

    def __init__(self, file: str, line: int, node: str, problem: str, expected: str) -> None:
        self.file, self.line, self.node = file, line, node
        self.problem, self.expected = problem, expected
        super().__init__(f"{file}:{line}: {node}: {problem}; expected {expected}")


class FlowInvalidError(GuideError):
    """A flow loaded but the checker found errors in it, so the engine refuses it."""

    code = "flow_invalid"
    exit_code = 3


class UnknownFlowError(GuideError):
    code = "unknown_flow"
    exit_code = 4

    def __init__(self, flow_id: str, known: tuple[str, ...]) -> None:
        self.flow_id = flow_id
        super().__init__(
            f"unknown flow {flow_id!r}; expected one of: {', '.join(known) or '(none)'}"
        )


class UnknownLanguageError(GuideError):
    code = "unknown_language"
    exit_code = 2

    def __init__(self, lang: str, known: tuple[str, ...]) -> None:
        super().__init__(f"unknown language {lang!r}; expected one of: {', '.join(known)}")


class AnswerError(GuideError):
    """Base of the errors about answers and query strings."""

    code = "answer_error"
    exit_code = 5


class MalformedQueryError(AnswerError):
    code = "malformed_query"


class UnknownQuestionError(AnswerError):
    code = "unknown_question"

    def __init__(self, flow_id: str, question: str) -> None:
        self.question = question
        super().__init__(f"flow {flow_id!r} has no question {question!r}")


class NotOnPathError(AnswerError):
    code = "not_on_path"

    def __init__(self, question: str, next_node: str) -> None:
        self.question = question
        super().__init__(
            f"question {question!r} is not on the path of the answers given; "
            f"expected an answer to {next_node!r} or to an earlier question on the path"
        )


class InvalidValueError(AnswerError):
    code = "invalid_value"

    def __init__(self, question: str, value: str, options: tuple[str, ...]) -> None:
        self.question, self.value = question, value
        super().__init__(
            f"{value!r} is not an option of question {question!r}; "
            f"expected one of: {', '.join(options)}"
        )
