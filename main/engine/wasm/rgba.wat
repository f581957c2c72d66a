;; The decode's last step (main/engine/image.ts imageToRgbaCounting), f64x2 SIMD, two pixels at a time.
;; Source of rgba.wasm.ts: `npm run build:wasm` regenerates it (scripts/build-wasm.js).
;;
;; toRgba(img, n, out): img holds three f32 planes of n values (R, G, B), out n RGBA words.
;; Each value v = x·127.5 + 127.5 in f64 (as the JavaScript does), rounded to nearest, ties to
;; even, then clipped to 0..255 with NaN → 0 (Uint8ClampedArray's conversion); alpha 255.
;; Returns how many values were NaN or ±∞ (v − v ≠ 0).
(module
  (memory (import "env" "memory") 1)
  (func (export "toRgba") (param $img i32) (param $n i32) (param $out i32) (result i32)
    (local $p i32) (local $m i32) (local $bad i32)
    (local $k v128) (local $z v128) (local $c255 v128) (local $alpha v128)
    (local $r v128) (local $g v128) (local $b v128)
    (local $s f64) (local $sr i32) (local $sg i32) (local $sb i32) (local $c i32)
    (local.set $k (f64x2.splat (f64.const 127.5)))
    (local.set $z (f64x2.splat (f64.const 0)))
    (local.set $c255 (f64x2.splat (f64.const 255)))
    (local.set $alpha (i32x4.splat (i32.const 0xff000000)))
    (local.set $m (i32.and (local.get $n) (i32.const -2)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $p) (local.get $m)))
      (local.set $r (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4
        (v128.load64_zero (i32.add (local.get $img) (i32.shl (local.get $p) (i32.const 2))))) (local.get $k)) (local.get $k)))
      (local.set $g (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4
        (v128.load64_zero (i32.add (local.get $img) (i32.shl (i32.add (local.get $n) (local.get $p)) (i32.const 2))))) (local.get $k)) (local.get $k)))
      (local.set $b (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4
        (v128.load64_zero (i32.add (local.get $img) (i32.shl (i32.add (i32.shl (local.get $n) (i32.const 1)) (local.get $p)) (i32.const 2))))) (local.get $k)) (local.get $k)))
      (local.set $bad (i32.add (local.get $bad) (i32.add (i32.add
        (i32.popcnt (i64x2.bitmask (f64x2.ne (f64x2.sub (local.get $r) (local.get $r)) (local.get $z))))
        (i32.popcnt (i64x2.bitmask (f64x2.ne (f64x2.sub (local.get $g) (local.get $g)) (local.get $z)))))
        (i32.popcnt (i64x2.bitmask (f64x2.ne (f64x2.sub (local.get $b) (local.get $b)) (local.get $z)))))))
      ;; pmax(0, v) = 0 < v ? v : 0 (NaN → 0), pmin(255, v) = v < 255 ? v : 255
      (local.set $r (f64x2.pmin (local.get $c255) (f64x2.pmax (local.get $z) (f64x2.nearest (local.get $r)))))
      (local.set $g (f64x2.pmin (local.get $c255) (f64x2.pmax (local.get $z) (f64x2.nearest (local.get $g)))))
      (local.set $b (f64x2.pmin (local.get $c255) (f64x2.pmax (local.get $z) (f64x2.nearest (local.get $b)))))
      (v128.store64_lane 0 (i32.add (local.get $out) (i32.shl (local.get $p) (i32.const 2)))
        (v128.or (v128.or (i32x4.trunc_sat_f64x2_s_zero (local.get $r))
          (i32x4.shl (i32x4.trunc_sat_f64x2_s_zero (local.get $g)) (i32.const 8)))
          (v128.or (i32x4.shl (i32x4.trunc_sat_f64x2_s_zero (local.get $b)) (i32.const 16)) (local.get $alpha))))
      (local.set $p (i32.add (local.get $p) (i32.const 2)))
      (br $l)))
    ;; an odd last pixel, the same operations one value at a time
    (if (i32.lt_u (local.get $p) (local.get $n))
      (then
        (local.set $c (i32.const 0))
        (block $cdone (loop $cl
          (br_if $cdone (i32.ge_u (local.get $c) (i32.const 3)))
          (local.set $s (f64.add (f64.mul (f64.promote_f32 (f32.load
            (i32.add (local.get $img) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $n)) (local.get $p)) (i32.const 2)))))
            (f64.const 127.5)) (f64.const 127.5)))
          (if (f64.ne (f64.sub (local.get $s) (local.get $s)) (f64.const 0))
            (then (local.set $bad (i32.add (local.get $bad) (i32.const 1)))))
          (local.set $s (f64.nearest (local.get $s)))
          (local.set $s (select (local.get $s) (f64.const 0) (f64.lt (f64.const 0) (local.get $s))))
          (local.set $s (select (local.get $s) (f64.const 255) (f64.lt (local.get $s) (f64.const 255))))
          (local.set $sb (local.get $sg))
          (local.set $sg (local.get $sr))
          (local.set $sr (i32.trunc_sat_f64_s (local.get $s)))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br $cl)))
        ;; after three rounds sr = B, sg = G, sb = R
        (i32.store (i32.add (local.get $out) (i32.shl (local.get $p) (i32.const 2)))
          (i32.or (i32.or (local.get $sb) (i32.shl (local.get $sg) (i32.const 8)))
            (i32.or (i32.shl (local.get $sr) (i32.const 16)) (i32.const 0xff000000))))))
    (local.get $bad)))
