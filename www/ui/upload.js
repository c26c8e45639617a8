// A user's picture, sent to the worker's shared image store under `key` (see
// www/compute/assets.js), where every lab's handlers find it. Answers true once it is there; a
// file that cannot be decoded is refused with an error notice (under `notice`) naming the file,
// and whatever the key held before stays.
export async function storeUpload(client, ctx, file, { key, notice }) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  try {
    await client.call('loadImage', { image: { key, bytes } }, { transfer: [bytes.buffer] });
  } catch (err) {
    ctx.notify(`“${file.name}” cannot be used: ${err.message}`, 'error', { key: notice });
    return false;
  }
  ctx.dismiss(notice);
  return true;
}
