"""Accounts as pages show them: the middle digits masked (the audit trail keeps them whole)."""


def mask_account(account: str) -> str:
    """6216610200001234567 → 6216 **** **** 4567: the first and last four digits only.

    Short accounts keep less: never more than half the digits are shown.
    """
    digits = "".join(account.split())
    if not digits:
        return ""
    keep = min(4, len(digits) // 4)
    if keep == 0:
        return "*" * len(digits)
    return f"{digits[:keep]} **** **** {digits[-keep:]}"
