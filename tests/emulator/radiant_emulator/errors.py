"""One exception type for AWS errors raised by our extensions.

moto serializes a ``ServiceException`` in the protocol of the service being called (JSON,
query XML, ...), looking its code up in that service's model for the HTTP status. It
derives the service from the exception's module when that module is moto's own, so
``moto.core``'s ``ServiceException`` cannot be raised as is: this subclass lives outside
moto and is looked up in the model of the service the request went to.
"""

from __future__ import annotations

from moto.core.exceptions import ServiceException


class AwsError(ServiceException):
    """``raise AwsError("InsufficientS3BucketPolicyException", "Incorrect S3 ...")``"""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)
