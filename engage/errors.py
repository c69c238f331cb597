"""Domain errors raised by services and models, turned into pages by views."""


class EngageError(Exception):
    """Base class: carries a message written for the person who caused it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RuleViolation(EngageError):
    """A domain rule refused the action (an illegal state change, a full allocation)."""


class NotAllowed(EngageError):
    """The person may not do this."""


class NotFound(EngageError):
    """The thing asked for does not exist."""
