#!/bin/bash
# sagemaker-notebook-vpc-guard: temporary on-start hook that archives the notebook's volume to S3.
# Lifecycle hooks must finish within 5 minutes, so the work runs in the background:
#  1. stop the Jupyter server (masked until the notebook stops): users cannot edit while the copy is made;
#  2. archive the volume with tar (symlinks, modes, empty directories and every file name kept) into the
#     notebook role's own area of the bucket, s3://<bucket>/<prefix>/data/<aws:userid>/<notebook>/<backup id>/;
#  3. write a marker with the exit status, the archive's bytes and SHA-256, and whether Jupyter was stopped;
#  4. keep watching: any change on the volume after the archive began turns the marker into "changed" (the
#     runbook then deletes nothing).
set -u
BUCKET=__BUCKET__
PREFIX=__PREFIX__
NAME=__NAME__
BACKUP_ID=__BACKUP_ID__
ROLE_ID=__ROLE_ID__
export AWS_DEFAULT_REGION=__REGION__
VOLUME="${VPC_GUARD_VOLUME:-/home/ec2-user/SageMaker}"
export PATH="${PATH}:/usr/local/bin:/usr/bin:/bin"

stop_jupyter() {
  systemctl cat jupyter-server >/dev/null 2>&1 || { echo not-found; return; }
  systemctl mask --runtime jupyter-server >/dev/null 2>&1
  systemctl stop jupyter-server >/dev/null 2>&1 && echo stopped || echo not-stopped
}

# Changed since the archive began: modified (-newer) or renamed, re-moded, deleted in a directory (-cnewer).
changed() {
  [ -n "$(find "$VOLUME" -path "$VOLUME/.sagemaker-notebook-vpc-guard" -prune -o \
    \( -newer "$WORK/began" -o -cnewer "$WORK/began" \) -print -quit)" ]
}

marker() {
  printf '{"Status":"%s","ExitCode":%d,"Bytes":%d,"Sha256":"%s","Jupyter":"%s"}\n' "$@" |
    aws s3 cp - "$AREA/backup-complete.json" --content-type application/json
}

backup() {
  local jupyter user size codes status=ok code=0 bytes sha
  jupyter=$(stop_jupyter)
  # Its own aws:userid keys its area; SageMaker's session name is "SageMaker" when STS cannot be reached.
  user=$(aws sts get-caller-identity --query UserId --output text) || user="$ROLE_ID:SageMaker"
  AREA="s3://$BUCKET/$PREFIX/data/$user/$NAME/$BACKUP_ID"
  WORK=$(mktemp -d)
  mkfifo "$WORK/sum" "$WORK/count"
  sha256sum <"$WORK/sum" >"$WORK/sha" &
  wc -c <"$WORK/count" >"$WORK/bytes" &
  touch "$WORK/began"
  size=$(df --output=size -B1 "$VOLUME" | tail -n 1)
  tar --create --file=- --directory="$VOLUME" --format=posix --exclude=./.sagemaker-notebook-vpc-guard . |
    tee "$WORK/sum" "$WORK/count" |
    aws s3 cp - "$AREA/volume.tar" --expected-size "$((size + size / 10))" --only-show-errors
  codes=("${PIPESTATUS[@]}")
  wait
  for code in "${codes[@]}"; do [ "$code" -eq 0 ] || break; done
  [ "$code" -eq 0 ] || status=failed
  changed && status=changed
  bytes=$(cat "$WORK/bytes")
  sha=$(cut -c1-64 "$WORK/sha")
  marker "$status" "$code" "$bytes" "$sha" "$jupyter"
  [ "$status" = ok ] || return
  while sleep "${VPC_GUARD_WATCH_INTERVAL:-10}" && [ "$SECONDS" -lt "${VPC_GUARD_WATCH_SECONDS:-999999999}" ]; do
    if changed; then marker changed 0 "$bytes" "$sha" "$jupyter"; return; fi
  done
}

export VOLUME BUCKET PREFIX NAME BACKUP_ID ROLE_ID
nohup bash -c "$(declare -f stop_jupyter changed marker backup); backup" \
  >"${VPC_GUARD_LOG:-/var/log/vpc-guard-backup.log}" 2>&1 &
exit 0
