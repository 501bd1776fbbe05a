"""People: accounts, their role (督查室 / 领导 / 单位填报员 / 审核员) and unit, API tokens, login throttling."""
