import { IMPORT_UPLOAD_PATH, type ImportFormatChoice } from '#shared/schemas/import.ts';

export interface UploadHandle {
  /** The queued import job's id, or an error with the server's sentence. */
  done: Promise<string>;
  abort(): void;
}

/**
 * Sends an import archive as the raw request body (the server streams it to disk), with progress
 * from XMLHttpRequest's upload events — fetch() reports none. The X-Studio-Upload header is the
 * server's CSRF rule for uploads (an HTML form cannot send it).
 */
export function uploadArchive(file: File, opts: { format: ImportFormatChoice; strict: boolean; fps?: number }, onProgress: (sent: number, total: number) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const query = new URLSearchParams({ format: opts.format, strict: opts.strict ? '1' : '0', name: file.name });
  if (opts.fps !== undefined) query.set('fps', String(opts.fps));
  const done = new Promise<string>((resolve, reject) => {
    xhr.open('POST', `${IMPORT_UPLOAD_PATH}?${query.toString()}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('X-Studio-Upload', '1');
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      let body: { jobId?: string; error?: { message?: string } } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        // Not ours (a proxy's error page): the status says enough.
      }
      if (xhr.status === 200 && body.jobId) resolve(body.jobId);
      else reject(new Error(body.error?.message ?? `the upload failed (HTTP ${xhr.status})`));
    };
    xhr.onerror = () => reject(new Error('the upload was cut off (the network, or the server refused it part-way)'));
    xhr.onabort = () => reject(new Error('upload cancelled'));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}
