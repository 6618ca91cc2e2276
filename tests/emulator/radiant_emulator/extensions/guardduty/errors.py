"""GuardDuty's error wire format.

GuardDuty answers every client error with HTTP 400, header ``x-amzn-ErrorType:
BadRequestException`` and a body ``{"message": ..., "__type": "InvalidInputException"}``
(API reference, "Common Errors" and each operation's Errors section: only
BadRequestException and InternalServerErrorException are modelled).
"""

from __future__ import annotations

# The generic validation text AWS returns, e.g. for a batch of more than 50 accounts
# (AWS CLI issue 3295 shows it verbatim for GetMembers).
OUT_OF_RANGE = "The request is rejected because an invalid or out-of-range value is specified as an input parameter."
DETECTOR_NOT_OWNED = "The request is rejected because the input detectorId is not owned by the current account."
DETECTOR_EXISTS = "The request is rejected because a detector already exists for the current account."
NOT_ASSOCIATED_MEMBER = (
    "The request is rejected because the given account ID is not an associated member of account the current account."
)


class GuardDutyError(Exception):
    """A 400 BadRequestException with GuardDuty's ``__type`` and message."""

    def __init__(self, message: str, error_type: str = "InvalidInputException"):
        super().__init__(message)
        self.message = message
        self.error_type = error_type


def bad_request(message: str) -> GuardDutyError:
    return GuardDutyError(message)
