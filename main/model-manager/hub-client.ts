/**
 * The Hugging Face hub as the model manager sees it: list a repository's files with their
 * hashes, open one file from a byte offset. Listing and the ranged reads go through
 * `@huggingface/hub` (listFiles, downloadFile → a WebBlob that fetches `Range` slices);
 * this module only adds what it lacks: an abort signal per request, and turning hub
 * failures into one-line PaletteErrors a painter can act on.
 */
import { downloadFile, listFiles, HubApiError } from '@huggingface/hub';
import { PaletteError } from '../../shared/errors';

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

export interface HubRepoRef {
  /** "owner/name" */
  repo: string;
  /** branch, tag or commit; "main" by default */
  revision?: string;
  /** https://huggingface.co unless a mirror (or a test server) is given */
  endpoint?: string;
  /** a Hugging Face access token (hf_…) with read permission, for gated or private models */
  token?: string;
}

/** One file of the repository, as the tree API describes it. */
export interface HubFile {
  path: string;
  size: number;
  /** git blob sha1 of the file as stored in git (the LFS pointer for LFS files) */
  oid: string;
  /** sha256 of the real content, for files stored with LFS/Xet */
  sha256?: string;
}

/** What the last failed response said, kept because HubApiError drops the headers. */
export interface FailureNote {
  status: number;
  errorCode: string | null;
}

function describeRef(ref: HubRepoRef): string {
  return `${ref.repo}@${ref.revision ?? 'main'}`;
}

function checkToken(ref: HubRepoRef): string | undefined {
  if (!ref.token) return undefined;
  if (!ref.token.startsWith('hf_')) {
    throw new PaletteError('E_MODEL_TOKEN', 'The Hugging Face access token is not valid: tokens start with "hf_"');
  }
  return ref.token;
}

/**
 * A fetch that honours our abort signal (the hub library has no signal option) and notes the
 * status and X-Error-Code header of the last refused request.
 */
function makeFetch(signal: AbortSignal | undefined, note: { last?: FailureNote }): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, { ...init, signal });
    if (!res.ok) note.last = { status: res.status, errorCode: res.headers.get('x-error-code') };
    return res;
  };
}

/** Turn anything the hub or the network threw into a PaletteError (or pass one through). */
export function toHubError(e: unknown, ref: HubRepoRef, what: string, note?: FailureNote): PaletteError {
  if (e instanceof PaletteError) return e;
  const where = describeRef(ref);
  const status = e instanceof HubApiError ? e.statusCode : note?.status;
  const code = note?.errorCode ?? null;
  if (status === 401 && code === 'RepoNotFound') {
    // The hub answers this way for a missing repository and for a private one alike.
    return new PaletteError(
      'E_MODEL_NOT_FOUND',
      `Hugging Face repository ${ref.repo} not found, or it is private: check the name, or log in / provide a Hugging Face access token with read permission`,
      { cause: e },
    );
  }
  if (status === 401 || status === 403 || code === 'GatedRepo') {
    const why = ref.token
      ? 'your access token has no access to it (accept the model\'s terms on its Hugging Face page, and use a token with read permission)'
      : 'log in / provide a Hugging Face access token with read permission';
    return new PaletteError('E_MODEL_AUTH', `Model ${where} is gated or private: ${why}`, { cause: e });
  }
  if (status === 404) {
    if (code === 'RevisionNotFound') {
      return new PaletteError('E_MODEL_NOT_FOUND', `Revision "${ref.revision ?? 'main'}" not found in Hugging Face repository ${ref.repo}`, { cause: e });
    }
    if (code === 'EntryNotFound') {
      return new PaletteError('E_MODEL_NOT_FOUND', `${what} not found in Hugging Face repository ${where}`, { cause: e });
    }
    return new PaletteError('E_MODEL_NOT_FOUND', `Hugging Face repository ${ref.repo} or its revision "${ref.revision ?? 'main'}" not found`, { cause: e });
  }
  if (status !== undefined) {
    return new PaletteError('E_HUB_ERROR', `Hugging Face hub answered ${status} for ${what} of ${where}`, { cause: e });
  }
  const message = e instanceof Error ? e.message : String(e);
  return new PaletteError('E_DOWNLOAD_NETWORK', `Network error while fetching ${what} of ${where}: ${message} (the download can be resumed)`, { cause: e });
}

/** Every file of the repository at that revision, with sizes and hashes. */
export async function listRepoFiles(ref: HubRepoRef, signal?: AbortSignal): Promise<HubFile[]> {
  const accessToken = checkToken(ref);
  const note: { last?: FailureNote } = {};
  const files: HubFile[] = [];
  try {
    for await (const entry of listFiles({
      repo: ref.repo,
      revision: ref.revision ?? 'main',
      recursive: true,
      hubUrl: ref.endpoint ?? DEFAULT_HUB_ENDPOINT,
      accessToken,
      fetch: makeFetch(signal, note),
    })) {
      if (entry.type !== 'file') continue;
      files.push({ path: entry.path, size: entry.size, oid: entry.oid ?? '', sha256: entry.lfs?.oid });
    }
  } catch (e) {
    throw toHubError(e, ref, 'the file list', note.last);
  }
  return files;
}

export interface FileStream {
  body: ReadableStream<Uint8Array>;
  /** the refused response behind a stream that failed, if a response was refused */
  failure(): FailureNote | undefined;
}

/**
 * The bytes of one file from `offset` to its end, as a web stream. Uses a ranged request when
 * `offset > 0`, so a paused or dropped download continues where its `.part` file stops.
 */
export async function openFileStream(
  ref: HubRepoRef,
  file: HubFile,
  offset: number,
  signal?: AbortSignal,
): Promise<FileStream> {
  const accessToken = checkToken(ref);
  const note: { last?: FailureNote } = {};
  const customFetch = makeFetch(signal, note);
  try {
    const blob = await downloadFile({
      repo: ref.repo,
      path: file.path,
      revision: ref.revision ?? 'main',
      hubUrl: ref.endpoint ?? DEFAULT_HUB_ENDPOINT,
      accessToken,
      fetch: customFetch,
      // Plain resolve URLs serve Xet-backed files too, and they take Range requests.
      xet: false,
    });
    if (!blob) {
      throw new PaletteError('E_MODEL_NOT_FOUND', `${file.path} not found in Hugging Face repository ${describeRef(ref)}`);
    }
    const part = offset > 0 ? blob.slice(offset) : blob;
    return { body: part.stream() as ReadableStream<Uint8Array>, failure: () => note.last };
  } catch (e) {
    throw toHubError(e, ref, file.path, note.last);
  }
}
