#!/bin/bash
# sagemaker-notebook-vpc-guard: temporary on-start hook that unpacks a backup onto a notebook.
# Runs in the background (5-minute hook limit). Jupyter is stopped first (masked until the notebook stops), so
# nobody edits while it unpacks. The archive is unpacked as ec2-user, not root, so a symlink on the volume (a
# cloned repository's) cannot redirect a write outside what the notebook user may write anyway. It overwrites
# nothing a user made: onto a volume the runbook just created (FRESH_VOLUME=true), or one that holds only what
# SageMaker made (lost+found, git clones nobody changed), it unpacks in place; else into restored-<backup id>/
# beside what is there. The marker reports where, and whether the archive's SHA-256 is the one the runbook
# verified. A sentinel on the volume makes later starts skip it, so later edits are never overwritten.
set -u
BUCKET=__BUCKET__
PREFIX=__PREFIX__
USER_ID=__USER_ID__
NAME=__NAME__
BACKUP_ID=__BACKUP_ID__
SHA256=__SHA256__
FRESH_VOLUME=__FRESH_VOLUME__
export AWS_DEFAULT_REGION=__REGION__
VOLUME="${VPC_GUARD_VOLUME:-/home/ec2-user/SageMaker}"
AREA="s3://$BUCKET/$PREFIX/data/$USER_ID/$NAME/$BACKUP_ID"
SENTINEL="$VOLUME/.sagemaker-notebook-vpc-guard/restored-$BACKUP_ID"
export PATH="${PATH}:/usr/local/bin:/usr/bin:/bin"

stop_jupyter() {
  systemctl cat jupyter-server >/dev/null 2>&1 || return 0
  systemctl mask --runtime jupyter-server >/dev/null 2>&1
  systemctl stop jupyter-server >/dev/null 2>&1
}

# Only what SageMaker made: lost+found, this runbook's folder, git clones without a change or a commit of their own.
untouched() {
  local entry status
  for entry in "$VOLUME"/* "$VOLUME"/.[!.]* "$VOLUME"/..?*; do
    [ -e "$entry" ] || [ -L "$entry" ] || continue
    case "${entry##*/}" in lost+found | .sagemaker-notebook-vpc-guard) continue ;; esac
    [ -d "$entry/.git" ] && [ ! -L "$entry" ] || return 1
    status=$(sudo -u ec2-user git -C "$entry" status --porcelain --branch --untracked-files=all --ignored) || return 1
    case "$status" in *$'\n'* | *'[ahead'*) return 1 ;; '## '*) ;; *) return 1 ;; esac
  done
}

restore() {
  local work codes status=ok code=0 sha into=.
  stop_jupyter
  [ "$FRESH_VOLUME" = true ] || untouched || into="restored-$BACKUP_ID"
  work=$(mktemp -d)
  mkfifo "$work/sum"
  sha256sum <"$work/sum" >"$work/sha" &
  sudo -u ec2-user mkdir -p "$VOLUME/$into"
  aws s3 cp "$AREA/volume.tar" - | tee "$work/sum" |
    sudo -u ec2-user tar --extract --file=- --directory="$VOLUME/$into" --preserve-permissions
  codes=("${PIPESTATUS[@]}")
  wait
  for code in "${codes[@]}"; do [ "$code" -eq 0 ] || break; done
  [ "$code" -eq 0 ] || status=failed
  sha=$(cut -c1-64 "$work/sha")
  [ "$sha" = "$SHA256" ] || status=mismatch
  if [ "$status" = ok ]; then
    sudo -u ec2-user mkdir -p "${SENTINEL%/*}" && sudo -u ec2-user touch "$SENTINEL" || status=failed
  fi
  printf '{"Status":"%s","ExitCode":%d,"Sha256":"%s","Into":"%s"}\n' "$status" "$code" "$sha" "$into" |
    aws s3 cp - "$AREA/restore-complete.json" --content-type application/json
}

[ -e "$SENTINEL" ] && exit 0
export VOLUME AREA SENTINEL SHA256 BACKUP_ID FRESH_VOLUME
nohup bash -c "$(declare -f stop_jupyter untouched restore); restore" \
  >"${VPC_GUARD_LOG:-/var/log/vpc-guard-restore.log}" 2>&1 &
exit 0
