"""ResolveNotebook: the decision of the check document this runbook just ran (CheckNotebook), as this step's
outputs, so every later step reads its facts from one place on a fresh and a resumed run alike. A refusal fails
here with the check's reason: nothing was changed."""

import json

from common import client


def handler(event, _context):
    ssm = client("ssm")
    execution = ssm.get_automation_execution(AutomationExecutionId=event["CheckExecutionId"])["AutomationExecution"]
    if execution["DocumentName"] != event["CheckDocumentName"] or execution["AutomationExecutionStatus"] != "Success":
        raise RuntimeError(f"The check {event['CheckExecutionId']} did not succeed: see its execution")
    facts = json.loads(execution["Outputs"]["Check.Facts"][0])
    if facts["Mode"] == "Refused":
        raise ValueError(facts["Result"])
    return facts
