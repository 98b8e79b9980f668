"""The test S3 bucket, and a direct read of its objects."""

from __future__ import annotations

BUCKET = "encore-test"


def s3_object(endpoint: str, key: str) -> bytes | None:
    """Read an object straight from the test S3 server, or None."""
    import boto3

    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
    try:
        return s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    except s3.exceptions.NoSuchKey:
        return None
