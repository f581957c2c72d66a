"""Independent OpenRaster layer reader for the tests: Python's zipfile, ElementTree and zlib,
no code of ours. For every layer (nested stacks walked, offsets added, opacity multiplied,
hidden groups hiding their children) prints its attributes and its alpha placed on the
canvas (clipped), base64. Handles 8-bit RGBA, non-interlaced PNGs (what Krita writes)."""
import base64, json, struct, sys, zipfile, zlib
import xml.etree.ElementTree as ET


def png_rgba(data):
    assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
    pos, idat, w = 8, b'', 0
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h, depth, colour, _, _, interlace = struct.unpack('>IIBBBBB', body)
            assert depth == 8 and colour == 6 and interlace == 0, 'only 8-bit RGBA, non-interlaced'
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    raw, stride, out, prev = zlib.decompress(idat), w * 4, bytearray(), bytearray(w * 4)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - 4] if i >= 4 else 0
            b = prev[i]
            c = prev[i - 4] if i >= 4 else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out += line
        prev = line
    return w, h, bytes(out)


z = zipfile.ZipFile(sys.argv[1])
root = ET.fromstring(z.read('stack.xml'))
W, H = int(root.get('w')), int(root.get('h'))
layers = []


def walk(stack, x0, y0, opacity, visible, groups):
    for child in stack:
        x = x0 + int(child.get('x', '0'))
        y = y0 + int(child.get('y', '0'))
        o = opacity * float(child.get('opacity', '1'))
        v = visible and child.get('visibility', 'visible') != 'hidden'
        if child.tag == 'stack':
            walk(child, x, y, o, v, groups + [child.get('name', '')])
        elif child.tag == 'layer':
            w, h, rgba = png_rgba(z.read(child.get('src')))
            mask = bytearray(W * H)
            for py in range(max(0, y), min(H, y + h)):
                for px in range(max(0, x), min(W, x + w)):
                    mask[py * W + px] = rgba[((py - y) * w + (px - x)) * 4 + 3]
            layers.append({'name': child.get('name'), 'x': x, 'y': y, 'w': w, 'h': h, 'opacity': o, 'visible': v,
                           'groups': groups, 'compositeOp': child.get('composite-op'),
                           'mask': base64.b64encode(bytes(mask)).decode('ascii')})


top = root.find('stack')
walk(top, int(top.get('x', '0')), int(top.get('y', '0')), float(top.get('opacity', '1')), top.get('visibility', 'visible') != 'hidden', [])
print(json.dumps({'w': W, 'h': H, 'layers': layers}))
