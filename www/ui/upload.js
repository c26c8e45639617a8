// A user's picture, handed to the worker's asset store under `upload:<sha256>` (its content
// hash, so a different file of the same name is never mistaken for the last one). Answers the
// key once the worker has decoded it; a file that is too large or cannot be decoded is refused
// with an error notice (under `notice`) naming the file, and null is answered.

// Checked before the file is read, so a huge file costs nothing.
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

// The key of a user's file in the worker's store: `upload:<sha256 of its bytes>`.
export async function contentKey(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return `upload:${Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export async function uploadImage(client, ctx, file, notice) {
  try {
    if (file.size > MAX_UPLOAD_BYTES) {
      throw new Error(`it is ${(file.size / 1048576).toFixed(1)} MB; pictures up to ${MAX_UPLOAD_BYTES / 1048576} MB are accepted`);
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    const key = await contentKey(bytes);
    await client.put(key, bytes, { image: true });
    ctx.dismiss(notice);
    return key;
  } catch (err) {
    ctx.notify(`“${file.name}” cannot be used: ${err.message}`, 'error', { key: notice });
    return null;
  }
}

// A picture chosen with a lab's upload button becomes the lab's `setting` (value 'upload'):
// `remember({ name, key })` keeps it for the lab's image list before the state changes, and
// setting the state redraws even when the upload replaces an earlier one.
export async function uploadAsSetting(ctx, file, { notice, setting, remember }) {
  const key = await uploadImage(ctx.client, ctx, file, notice);
  if (!key || ctx.signal.aborted) return;
  remember({ name: file.name, key });
  ctx.setState({ [setting]: 'upload' });
}
