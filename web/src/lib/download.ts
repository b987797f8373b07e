import { originalUrl, sdk, shareParams } from './api';

function save(href: string, filename?: string) {
  const link = document.createElement('a');
  link.href = href;
  if (filename) link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
}

/** One asset downloads as its original; several as Immich's zip archive(s). */
export async function downloadAssets(ids: string[]) {
  if (ids.length === 1) {
    save(originalUrl(ids[0], true), '');
    return;
  }
  const share = shareParams();
  const info = await sdk.getDownloadInfo({ ...share, downloadInfoDto: { assetIds: ids } });
  for (const [index, archive] of info.archives.entries()) {
    const blob = await sdk.downloadArchive({ ...share, downloadArchiveDto: { assetIds: archive.assetIds } });
    const url = URL.createObjectURL(blob);
    save(url, `albumen-${new Date().toISOString().slice(0, 10)}${info.archives.length > 1 ? `-${index + 1}` : ''}.zip`);
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}
