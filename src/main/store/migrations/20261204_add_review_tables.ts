import type { Database } from 'better-sqlite3'

/**
 * What the detector-error review keeps:
 * - `review_verdicts`: a person's verdict on a face in an error case ("ground truth wrong"
 *   or "detector wrong"); one per face, gone with the face;
 * - `label_set_images`: the images a label set has labelled, including those with no face,
 *   so that an imported ground truth says "nothing here" rather than "not annotated";
 * - `face_subsets`: the WIDER easy/medium/hard settings an imported ground-truth face counts
 *   in (the official gt_list), so AP per setting works on a stored set.
 */
export const version = 3
export const name = '20261204_add_review_tables'

export function up(db: Database): void {
  db.exec(`
    CREATE TABLE review_verdicts (
      face_id INTEGER PRIMARY KEY REFERENCES faces(id) ON DELETE CASCADE,
      verdict TEXT NOT NULL CHECK (verdict IN ('gt_wrong', 'detector_wrong')),
      created_at TEXT NOT NULL
    );

    CREATE TABLE label_set_images (
      label_set_id INTEGER NOT NULL REFERENCES label_sets(id) ON DELETE CASCADE,
      image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
      PRIMARY KEY (label_set_id, image_id)
    ) WITHOUT ROWID;
    CREATE INDEX label_set_images_by_image ON label_set_images (image_id);

    CREATE TABLE face_subsets (
      face_id INTEGER NOT NULL REFERENCES faces(id) ON DELETE CASCADE,
      subset TEXT NOT NULL CHECK (subset IN ('easy', 'medium', 'hard')),
      PRIMARY KEY (face_id, subset)
    ) WITHOUT ROWID;
  `)
}
