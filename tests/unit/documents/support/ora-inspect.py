"""Independent OpenRaster reader for the tests: Python's zipfile + ElementTree, no code of ours.
Prints JSON describing the archive: entry order and methods, the stack, every PNG's size."""
import json, struct, sys, zipfile
import xml.etree.ElementTree as ET

path = sys.argv[1]
z = zipfile.ZipFile(path)
infos = z.infolist()
bad = z.testzip()  # CRC of every entry

def png_size(name):
    data = z.read(name)
    assert data[:8] == b'\x89PNG\r\n\x1a\n', name + ' is not a PNG'
    return list(struct.unpack('>II', data[16:24]))

root = ET.fromstring(z.read('stack.xml'))
stack = root.find('stack')
layers = [dict(l.attrib) for l in stack.findall('layer')]
for l in layers:
    l['present'] = l['src'] in z.namelist()
    l['size'] = png_size(l['src']) if l['present'] else None
print(json.dumps({
    'first': {'name': infos[0].filename, 'method': infos[0].compress_type, 'extra': len(infos[0].extra),
              'content': z.read(infos[0].filename).decode('ascii', 'replace')},
    'names': z.namelist(),
    'testzip': bad,
    'image': {'tag': root.tag, 'w': root.get('w'), 'h': root.get('h'), 'version': root.get('version')},
    'stackChildren': [c.tag for c in stack],
    'layers': layers,
    'merged': png_size('mergedimage.png') if 'mergedimage.png' in z.namelist() else None,
    'thumbnail': png_size('Thumbnails/thumbnail.png') if 'Thumbnails/thumbnail.png' in z.namelist() else None,
}))
