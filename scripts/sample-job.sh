#!/usr/bin/env sh
# The main job on the shared WIDER FACE sample: pre-annotate every photo, export the labels as
# RetinaFace training data (replacing the last run's), and score the detections against the
# official ground truth.
set -eu
cd "$(dirname "$0")/.."

export FACE_MODELS_DIR="${FACE_MODELS_DIR:-$(cd .. && pwd)/shared/models}"
data="${FACE_DATA_DIR:-$(cd .. && pwd)/shared/data/widerface-sample}"
db="${FACEMARK_DB:-sample.sqlite}"
out="${FACEMARK_OUT:-sample-export}"
cli="node --import tsx src/main/cli.ts"

$cli annotate "$data" --db "$db"
$cli export "$out/label.txt" --format retinaface --db "$db" --overwrite
$cli export "$out/wider_face_bbx_gt.txt" --format wider --db "$db" --overwrite
$cli export "$out/predictions" --format wider-predictions --db "$db" --overwrite
echo "== WIDER val protocol (23 val photos) =="
$cli eval --gt "$data/ground_truth" --db "$db"
echo "== RetinaFace train labels (17 train photos, with landmarks) =="
$cli eval --gt "$data/train/label.txt" --db "$db"
