"""Replicate webhooks: signature checks, the deliveries kept, and waking the job that waits on a prediction."""
