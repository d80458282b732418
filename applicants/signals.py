"""What other apps may follow without applicants knowing them (dependencies run one way).

`case_transitioned` is sent after the transaction of a transition commits; receivers only
enqueue work (e.g. awards renders the submission receipt and the approval sheet).
"""

from django.dispatch import Signal

# kwargs: application_id (int), action (str, a workflow action such as "submit")
case_transitioned = Signal()
