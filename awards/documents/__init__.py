"""Approval documents (审批表), batch lists and receipts: rendered to PDF, signed, verifiable."""
