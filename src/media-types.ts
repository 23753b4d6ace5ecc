// Registered media types for the files a post may attach, by extension.
// Only IANA-registered names: image/jpg and audio/mp3 do not exist, and readers reject them.
const TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  svg: 'image/svg+xml',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/ogg',
  wav: 'audio/wav',
  flac: 'audio/flac',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
  pdf: 'application/pdf',
};

/** The media type for a path or URL path, or undefined when the extension is unknown. */
export function mediaType(pathname: string): string | undefined {
  const match = /\.([A-Za-z0-9]+)$/.exec(pathname);
  return match ? TYPES[match[1]!.toLowerCase()] : undefined;
}
