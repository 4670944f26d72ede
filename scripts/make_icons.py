#!/usr/bin/env python3
"""Draws Patchbay's app icons into icons/ (32x32, 128x128, 128x128@2x, icon.png at 512).

Why a script: the icons are committed, but they must be reproducible from text that can be
reviewed, with nothing but the Python standard library (no Pillow, no ImageMagick). Shapes are
signed-distance functions, antialiased analytically, written as 8-bit RGBA PNGs (Tauri requires
RGBA). Run it from anywhere: `python3 scripts/make_icons.py`.

The picture: a 3x3 patch panel with a cable between two sockets, on an indigo rounded square.
"""

import math
import os
import struct
import zlib

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "icons")
SIZES = {"32x32.png": 32, "128x128.png": 128, "128x128@2x.png": 256, "icon.png": 512}

# Everything below is in unit coordinates: (0,0) top left, (1,1) bottom right.
TOP, BOTTOM = (0x81, 0x8c, 0xf8), (0x43, 0x38, 0xca)  # indigo gradient
CABLE = (0xfb, 0xbf, 0x24)  # amber cable
JACK, HOLE = (0xff, 0xff, 0xff), (0x1e, 0x1b, 0x4b)
GRID = (0.27, 0.5, 0.73)
# A 3x3 panel of sockets; a cable sags from one plugged socket to another.
SOCKETS = [(x, y) for y in GRID for x in GRID]
JACKS = [(0.27, 0.27), (0.73, 0.5)]
CABLE_CTRL = (0.42, 1.08)


def rounded_square(x, y, half=0.44, radius=0.2):
    qx, qy = abs(x - 0.5) - half + radius, abs(y - 0.5) - half + radius
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - radius


def bezier_points(p0, p1, p2, n=48):
    return [
        (
            (1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * p1[0] + t * t * p2[0],
            (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * p1[1] + t * t * p2[1],
        )
        for t in (i / n for i in range(n + 1))
    ]


CABLE_PATH = bezier_points(JACKS[0], CABLE_CTRL, JACKS[1])


def segment_distance(px, py, a, b):
    ax, ay = px - a[0], py - a[1]
    bx, by = b[0] - a[0], b[1] - a[1]
    h = max(0.0, min(1.0, (ax * bx + ay * by) / (bx * bx + by * by)))
    return math.hypot(ax - bx * h, ay - by * h)


def cable(x, y, width=0.045):
    d = min(segment_distance(x, y, a, b) for a, b in zip(CABLE_PATH, CABLE_PATH[1:]))
    return d - width


def over(dst, color, alpha):
    """Paints `color` with coverage `alpha` over the premultiplied-free RGBA `dst`."""
    r, g, b, a = dst
    out_a = alpha + a * (1 - alpha)
    if out_a == 0:
        return (0.0, 0.0, 0.0, 0.0)
    mix = lambda c, d: (c * alpha + d * a * (1 - alpha)) / out_a
    return (mix(color[0], r), mix(color[1], g), mix(color[2], b), out_a)


def pixel(x, y, px):
    """Colour of the unit-space point (x, y); `px` is one pixel's size, for antialiasing."""
    cover = lambda d: max(0.0, min(1.0, 0.5 - d / px))
    out = (0.0, 0.0, 0.0, 0.0)
    bg = cover(rounded_square(x, y))
    if bg == 0:
        return out
    t = max(0.0, min(1.0, (y - 0.06) / 0.88))
    out = over(out, tuple(TOP[i] + (BOTTOM[i] - TOP[i]) * t for i in range(3)), bg)
    for sx, sy in SOCKETS:
        r = math.hypot(x - sx, y - sy)
        out = over(out, (0xc7, 0xd2, 0xfe), 0.55 * cover(r - 0.065))
        out = over(out, HOLE, 0.8 * cover(r - 0.035))
    out = over(out, CABLE, cover(cable(x, y)))
    for jx, jy in JACKS:
        r = math.hypot(x - jx, y - jy)
        out = over(out, JACK, cover(r - 0.095))
        out = over(out, CABLE, cover(r - 0.06))
        out = over(out, HOLE, cover(r - 0.035))
    return out


def render(size):
    rows = []
    for j in range(size):
        row = bytearray(b"\x00")  # PNG filter type 0 (none)
        for i in range(size):
            r, g, b, a = pixel((i + 0.5) / size, (j + 0.5) / size, 1.0 / size)
            row += bytes((round(r), round(g), round(b), round(a * 255)))
        rows.append(bytes(row))
    return png(size, size, b"".join(rows))


def png(width, height, raw):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, size in SIZES.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(render(size))
        print(f"icons/{name} ({size}x{size})")


if __name__ == "__main__":
    main()
