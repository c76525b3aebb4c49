#!/bin/bash
# sagemaker-notebook-vpc-guard: temporary on-start hook that unpacks a backup onto a recreated notebook.
# Runs in the background (5-minute hook limit). The archive is unpacked as ec2-user, not root, so a symlink on
# the volume (a cloned repository's) cannot redirect a write outside what the notebook user may write anyway;
# the marker reports whether the archive's SHA-256 is the one the runbook verified before the delete. A
# sentinel on the volume makes later starts skip it, so user edits are never overwritten.
set -u
BUCKET=__BUCKET__
PREFIX=__PREFIX__
USER_ID=__USER_ID__
NAME=__NAME__
BACKUP_ID=__BACKUP_ID__
SHA256=__SHA256__
export AWS_DEFAULT_REGION=__REGION__
VOLUME="${VPC_GUARD_VOLUME:-/home/ec2-user/SageMaker}"
AREA="s3://$BUCKET/$PREFIX/data/$USER_ID/$NAME/$BACKUP_ID"
SENTINEL="$VOLUME/.sagemaker-notebook-vpc-guard/restored-$BACKUP_ID"
export PATH="${PATH}:/usr/local/bin:/usr/bin:/bin"

restore() {
  local work codes status=ok code=0 sha
  work=$(mktemp -d)
  mkfifo "$work/sum"
  sha256sum <"$work/sum" >"$work/sha" &
  aws s3 cp "$AREA/volume.tar" - | tee "$work/sum" |
    sudo -u ec2-user tar --extract --file=- --directory="$VOLUME" --preserve-permissions
  codes=("${PIPESTATUS[@]}")
  wait
  for code in "${codes[@]}"; do [ "$code" -eq 0 ] || break; done
  [ "$code" -eq 0 ] || status=failed
  sha=$(cut -c1-64 "$work/sha")
  [ "$sha" = "$SHA256" ] || status=mismatch
  if [ "$status" = ok ]; then
    sudo -u ec2-user mkdir -p "${SENTINEL%/*}" && sudo -u ec2-user touch "$SENTINEL" || status=failed
  fi
  printf '{"Status":"%s","ExitCode":%d,"Sha256":"%s"}\n' "$status" "$code" "$sha" |
    aws s3 cp - "$AREA/restore-complete.json" --content-type application/json
}

[ -e "$SENTINEL" ] && exit 0
export VOLUME AREA SENTINEL SHA256
nohup bash -c "$(declare -f restore); restore" >"${VPC_GUARD_LOG:-/var/log/vpc-guard-restore.log}" 2>&1 &
exit 0
