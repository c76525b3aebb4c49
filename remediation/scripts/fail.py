"""Fail: ends the run as Failed with a message that says what happened and what state was left."""


def handler(event, _context):
    raise RuntimeError(event["Message"])
