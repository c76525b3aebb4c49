#!/bin/bash
# sagemaker-notebook-vpc-guard: temporary on-start hook that copies the notebook's volume to S3.
# Lifecycle hooks must finish within 5 minutes, so the copy runs in the background; the automation waits
# for the marker, which records the exit status and the file count and bytes that were copied.
set -u
DATA_URI=__DATA_URI__
MARKER_URI=__MARKER_URI__
export AWS_DEFAULT_REGION=__REGION__
VOLUME="${VPC_GUARD_VOLUME:-/home/ec2-user/SageMaker}"
export PATH="${PATH}:/usr/local/bin:/usr/bin:/bin"

backup() {
  local status=ok files bytes code=0
  aws s3 sync "$VOLUME" "$DATA_URI" --no-follow-symlinks --only-show-errors || code=$?
  [ "$code" -eq 0 ] || status=failed
  files=$(find "$VOLUME" -type f | wc -l)
  bytes=$(find "$VOLUME" -type f -printf '%s\n' | awk '{ total += $1 } END { printf "%d", total }')
  printf '{"Status":"%s","ExitCode":%d,"Files":%d,"Bytes":%d}\n' "$status" "$code" "$files" "$bytes" |
    aws s3 cp - "$MARKER_URI" --content-type application/json
}

export VOLUME DATA_URI MARKER_URI
nohup bash -c "$(declare -f backup); backup" >"${VPC_GUARD_LOG:-/var/log/vpc-guard-backup.log}" 2>&1 &
exit 0
