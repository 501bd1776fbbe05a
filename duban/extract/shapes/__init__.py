"""Document shapes of the genre: a task table, a numbered list under section headings, a progress report.

Each shape turns the prepared Document into TaskDrafts (the raw parts of each task); assemble.py
turns a draft into a Task, so the quantity, date and unit grammar is applied the same way for all.
"""
