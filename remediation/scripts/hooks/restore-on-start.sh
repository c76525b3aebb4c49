#!/bin/bash
# sagemaker-notebook-vpc-guard: temporary on-start hook that copies a backup back onto a recreated notebook.
# Runs in the background (5-minute hook limit) and writes a marker with the exit status and what is on the
# volume afterwards. A sentinel on the volume makes later starts skip it, so user edits are never overwritten.
set -u
DATA_URI=__DATA_URI__
MARKER_URI=__MARKER_URI__
BACKUP_ID=__BACKUP_ID__
export AWS_DEFAULT_REGION=__REGION__
VOLUME="${VPC_GUARD_VOLUME:-/home/ec2-user/SageMaker}"
OWNER="${VPC_GUARD_OWNER:-ec2-user:ec2-user}"
SENTINEL_DIR="$VOLUME/.sagemaker-notebook-vpc-guard"
export PATH="${PATH}:/usr/local/bin:/usr/bin:/bin"

restore() {
  local status=ok files bytes code=0
  aws s3 sync "$DATA_URI" "$VOLUME" --only-show-errors || code=$?
  [ "$code" -eq 0 ] || status=failed
  chown -R "$OWNER" "$VOLUME" || status=failed
  files=$(find "$VOLUME" -type f -not -path "$SENTINEL_DIR/*" | wc -l)
  bytes=$(find "$VOLUME" -type f -not -path "$SENTINEL_DIR/*" -printf '%s\n' |
    awk '{ total += $1 } END { printf "%d", total }')
  if [ "$status" = ok ]; then
    mkdir -p "$SENTINEL_DIR" && touch "$SENTINEL_DIR/restored-$BACKUP_ID"
  fi
  printf '{"Status":"%s","ExitCode":%d,"Files":%d,"Bytes":%d}\n' "$status" "$code" "$files" "$bytes" |
    aws s3 cp - "$MARKER_URI" --content-type application/json
}

if [ -e "$SENTINEL_DIR/restored-$BACKUP_ID" ]; then
  exit 0
fi
export VOLUME OWNER SENTINEL_DIR DATA_URI MARKER_URI BACKUP_ID
nohup bash -c "$(declare -f restore); restore" >"${VPC_GUARD_LOG:-/var/log/vpc-guard-restore.log}" 2>&1 &
exit 0
