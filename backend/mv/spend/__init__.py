"""Spend: estimates, the daily cap and what each prediction cost."""
