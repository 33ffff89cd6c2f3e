"""The tax-savings illustration: its input, its rules, the calculator and the tax tables as data."""
