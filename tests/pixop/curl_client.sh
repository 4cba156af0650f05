#!/usr/bin/env bash
# A shell client in the style of Pixop's public curl demo: curl + jq, following
# the absolute URLs the API answers. Usage: curl_client.sh BASE_URL EMAIL PASSWORD MEDIA_FILE
# Waiting is done by $WAIT (default `sleep 5`); the tests set it to a command
# that advances the emulator's virtual clock instead.
set -euo pipefail
base=$1 email=$2 password=$3 media=$4
wait_cmd=${WAIT:-"sleep 5"}
json='Content-Type: application/json'

token=$(curl -sf -u "$email:$password" -H "$json" -H 'Accept: application/json' "$base/accounts/v1/token" | jq -r .jwtToken)
auth="Authorization: Bearer $token"
project=$(curl -sf -X PUT -H "$json" -H "$auth" -d '{"name": "Shell project"}' "$base/videos/v1/project" | jq -r .project.id)
created=$(curl -sf -X PUT -H "$json" -H "$auth" -d "{\"projectId\": \"$project\"}" "$base/videos/v1/video")
video=$(jq -r .videoId <<<"$created")
uploaded=$(curl -sf -H "$auth" -F "file=@$media" "$(jq -r .uploadLightMediaUrl <<<"$created")")
until [ "$(curl -sf -H "$auth" "$(jq -r .checkIngestProgressUrl <<<"$uploaded")" | jq -r .ingestionState.ingestionStatus)" = DONE ]; do
  $wait_cmd
done
processed=$(curl -sf -H "$json" -H "$auth" -d '{"scaler": "pabsr1", "resolution": {"tag": "hd_1080p"}, "clarityBoost": "medium"}' \
  "$(jq -r .processVideoUrl <<<"$uploaded")")
until [ "$(curl -sf -H "$auth" "$(jq -r .checkProgressUrl <<<"$processed")" | jq -r .processingState.processingStatus)" = DONE ]; do
  $wait_cmd
done
out=$(mktemp)
curl -sf -H "$auth" -o "$out" "$(jq -r .downloadMediaUrl <<<"$processed")"
echo "downloaded $(wc -c <"$out") bytes"
rm -f "$out"
curl -sf -X DELETE -H "$auth" "$base/videos/v1/video/$video" | jq -c '[.deletedVideos[].videoId]'
curl -sf -X DELETE -H "$auth" -o /dev/null -w 'project delete %{http_code}\n' "$base/videos/v1/project/$project"
