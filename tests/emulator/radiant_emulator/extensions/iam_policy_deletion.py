"""IAM DeletePolicy's preconditions (moto deletes any managed policy).

IAM API reference, DeletePolicy (https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicy.html):
"Before you can delete a managed policy, you must first detach the policy from all users, groups, and roles that it
is attached to. In addition, you must delete all the policy's versions" (the default version goes with the policy).
Otherwise DeleteConflict (HTTP 409), with the texts AWS answers for each case.
"""

from __future__ import annotations

import functools

ATTACHED = "Cannot delete a policy attached to entities."
VERSIONS = ("This policy has more than one version. Before you delete a policy, you must delete the policy's "
            "versions. The default version is deleted with the policy.")


def _checked(original):
    @functools.wraps(original)
    def delete_policy(self, policy_arn):
        from moto.iam.exceptions import DeleteConflictException

        policy = self.get_policy(policy_arn)
        if policy.attachment_count > 0:
            raise DeleteConflictException(ATTACHED)
        if len(policy.versions) > 1:
            raise DeleteConflictException(VERSIONS)
        return original(self, policy_arn)

    return delete_policy


def install() -> None:
    from moto.iam.models import IAMBackend

    if getattr(IAMBackend, "_radiant_policy_deletion", False):
        return
    IAMBackend.delete_policy = _checked(IAMBackend.delete_policy)
    IAMBackend._radiant_policy_deletion = True
