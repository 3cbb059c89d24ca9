import type { StorageEngine } from 'multer';

/**
 * Multer storage that keeps the first `limit` bytes of an upload in memory and lets the rest stream past unread
 * and unstored: enough for a preview, whatever the size of the file. `size` is the whole upload's.
 */
export function uploadHead(limit: number): StorageEngine {
  return {
    _handleFile(_req, file, done) {
      const kept: Buffer[] = [];
      let length = 0;
      let size = 0;
      file.stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (length < limit) {
          const part = chunk.subarray(0, limit - length);
          kept.push(part);
          length += part.length;
        }
      });
      file.stream.on('error', done);
      file.stream.on('end', () => done(null, { buffer: Buffer.concat(kept), size }));
    },
    _removeFile(_req, _file, done) {
      done(null);
    },
  };
}
