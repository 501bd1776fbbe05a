"""The ledger (台账): plans, units, indicators and progress in the database."""
