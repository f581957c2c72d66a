/**
 * A dropped or chosen picture as the engine's background: RGBA8 at canvas size, scaled to
 * cover the canvas (centre crop), so the painted regions keep their place over it.
 */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/bmp', 'image/gif'];

export async function imageFileToRgba(file: Blob, width: number, height: number): Promise<Uint8Array> {
  if (file.type && !IMAGE_TYPES.includes(file.type)) {
    throw new Error(`"${(file as File).name ?? 'file'}" is not an image (${file.type}); use PNG, JPEG, WebP, BMP or GIF`);
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new Error(`"${(file as File).name ?? 'file'}" could not be read as an image`);
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2D canvas unavailable');
  const scale = Math.max(width / bitmap.width, height / bitmap.height);
  const w = bitmap.width * scale;
  const h = bitmap.height * scale;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(bitmap, (width - w) / 2, (height - h) / 2, w, h);
  bitmap.close();
  const data = ctx.getImageData(0, 0, width, height).data;
  return new Uint8Array(data.buffer.slice(0));
}
