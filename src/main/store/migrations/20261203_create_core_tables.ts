import type { Database } from 'better-sqlite3'

/**
 * The core schema: datasets, images, label sets, detection runs and faces with landmarks.
 *
 * Predictions of every run live in their own immutable label set, so the annotation set that
 * people edit can be rebuilt from them without losing what the model said.
 */
export const version = 1
export const name = '20261203_create_core_tables'

export function up(db: Database): void {
  db.exec(`
    CREATE TABLE datasets (
      id INTEGER PRIMARY KEY,
      root TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      created_at TEXT NOT NULL
    );

    CREATE TABLE images (
      id INTEGER PRIMARY KEY,
      dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
      rel_path TEXT NOT NULL,
      width INTEGER,
      height INTEGER,
      orientation INTEGER NOT NULL DEFAULT 1,
      sha256 TEXT,
      byte_size INTEGER,
      status TEXT NOT NULL DEFAULT 'todo'
        CHECK (status IN ('todo', 'in_progress', 'done', 'needs_review')),
      error TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      UNIQUE (dataset_id, rel_path)
    );

    CREATE TABLE detection_runs (
      id INTEGER PRIMARY KEY,
      dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
      model_id TEXT NOT NULL,
      model_sha256 TEXT NOT NULL,
      params_json TEXT NOT NULL,
      started_at TEXT NOT NULL,
      finished_at TEXT
    );
    CREATE INDEX detection_runs_by_dataset ON detection_runs (dataset_id, model_id);

    CREATE TABLE label_sets (
      id INTEGER PRIMARY KEY,
      dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
      kind TEXT NOT NULL CHECK (kind IN ('annotation', 'predictions', 'ground_truth')),
      name TEXT NOT NULL,
      run_id INTEGER REFERENCES detection_runs(id) ON DELETE CASCADE,
      created_at TEXT NOT NULL
    );
    CREATE INDEX label_sets_by_dataset ON label_sets (dataset_id, kind);
    CREATE INDEX label_sets_by_run ON label_sets (run_id);
    -- The one working set per dataset; a unique index makes a second one impossible.
    CREATE UNIQUE INDEX label_sets_one_annotation ON label_sets (dataset_id)
      WHERE kind = 'annotation';

    CREATE TABLE run_images (
      run_id INTEGER NOT NULL REFERENCES detection_runs(id) ON DELETE CASCADE,
      image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
      status TEXT NOT NULL CHECK (status IN ('done', 'failed')),
      error TEXT,
      face_count INTEGER NOT NULL DEFAULT 0,
      finished_at TEXT NOT NULL,
      PRIMARY KEY (run_id, image_id)
    ) WITHOUT ROWID;
    CREATE INDEX run_images_by_image ON run_images (image_id);

    CREATE TABLE faces (
      id INTEGER PRIMARY KEY,
      label_set_id INTEGER NOT NULL REFERENCES label_sets(id) ON DELETE CASCADE,
      image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
      x REAL NOT NULL,
      y REAL NOT NULL,
      w REAL NOT NULL,
      h REAL NOT NULL,
      score REAL,
      source TEXT NOT NULL CHECK (source IN ('model', 'human', 'import')),
      run_id INTEGER REFERENCES detection_runs(id) ON DELETE SET NULL,
      origin_face_id INTEGER REFERENCES faces(id) ON DELETE SET NULL,
      blur INTEGER NOT NULL DEFAULT 0,
      expression INTEGER NOT NULL DEFAULT 0,
      illumination INTEGER NOT NULL DEFAULT 0,
      occlusion INTEGER NOT NULL DEFAULT 0,
      pose INTEGER NOT NULL DEFAULT 0,
      invalid INTEGER NOT NULL DEFAULT 0,
      quality REAL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
    -- Editor and detection read one image of one set; export and evaluation read whole sets.
    CREATE INDEX faces_by_image ON faces (image_id, label_set_id, source);
    CREATE INDEX faces_by_set ON faces (label_set_id, image_id, source);
    -- Foreign keys pointing at faces need these, or every delete scans the table.
    CREATE INDEX faces_by_origin ON faces (origin_face_id) WHERE origin_face_id IS NOT NULL;
    CREATE INDEX faces_by_run ON faces (run_id) WHERE run_id IS NOT NULL;

    CREATE TABLE landmarks (
      face_id INTEGER NOT NULL REFERENCES faces(id) ON DELETE CASCADE,
      idx INTEGER NOT NULL CHECK (idx BETWEEN 0 AND 4),
      x REAL NOT NULL,
      y REAL NOT NULL,
      visibility TEXT NOT NULL CHECK (visibility IN ('visible', 'occluded', 'absent')),
      PRIMARY KEY (face_id, idx)
    ) WITHOUT ROWID;
  `)
}
