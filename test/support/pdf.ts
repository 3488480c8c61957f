import { execFileSync } from 'node:child_process';

/**
 * The text layer of a PDF as poppler's `pdftotext` reads it (package poppler-utils, a prerequisite
 * of the tests: README.md; .ci/run installs it).
 */
export function pdfText(bytes: Buffer): string {
  try {
    return execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: bytes }).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(
        'pdftotext is missing: the PDF tests read PDFs with poppler-utils (apt-get install -y poppler-utils)',
        { cause: err },
      );
    throw err;
  }
}
