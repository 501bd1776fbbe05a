"""督查督办: supervision cases (督办件), 催办, problems (问题), change requests (调整/延期申请),
public clues (群众线索), notifications and the reminders calendar.

- `duban.supervision.rules` and `duban.supervision.ics`: pure rules (state machines, urgency,
  problem pressure, clue text check, iCalendar writing); no Django, no clock.
- `duban.supervision.models`: the tables.
- `duban.supervision.services`: every write (permission, validation, one transaction, an audit
  entry) and the queries pages need. The date/time is always a parameter.
"""
