;; Column sums of the vertical blur pass (main/engine/masks/blur.ts blurColumns), f64x2 SIMD.
;; Source of column-sums.wasm.ts: `npm run build:wasm` regenerates it, and
;; tests/unit/engine/masks-wasm.test.ts fails when the embedding is stale.
;;
;; columnSums(src, c, up, down, k, r, x, e, dst, d), for q in x .. e - 1:
;;   dst[d + q] = k[0]·src[c + q] + Σ_{j = 1..r} k[j]·(src[up[j] + q] + src[down[j] + q])
;; j ascending; src, dst, k (the kernel's centre weight) are byte addresses of f64 arrays, up and
;; down byte addresses of i32 arrays of element indices into src; c, d, x, e are element indices.
;; Each lane does the scalar code's operations in the scalar code's order (WebAssembly has no
;; fused multiply-add), so the bits are the plain JavaScript loop's.
(module
  (memory (import "env" "memory") 1)
  (func (export "columnSums")
    (param $src i32) (param $c i32) (param $up i32) (param $down i32) (param $k i32) (param $r i32)
    (param $x i32) (param $e i32) (param $dst i32) (param $d i32)
    (local $q i32) (local $j i32) (local $pc i32) (local $pd i32) (local $pu i32) (local $pw i32)
    (local $kc v128) (local $kj v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $s f64) (local $ks f64)
    (local.set $kc (f64x2.splat (f64.load (local.get $k))))
    (local.set $q (local.get $x))
    ;; eight columns at a time
    (block $done8 (loop $loop8
      (br_if $done8 (i32.gt_s (i32.add (local.get $q) (i32.const 8)) (local.get $e)))
      (local.set $pc (i32.add (local.get $src) (i32.shl (i32.add (local.get $c) (local.get $q)) (i32.const 3))))
      (local.set $pd (i32.add (local.get $dst) (i32.shl (i32.add (local.get $d) (local.get $q)) (i32.const 3))))
      (local.set $a0 (f64x2.mul (local.get $kc) (v128.load offset=0 (local.get $pc))))
      (local.set $a1 (f64x2.mul (local.get $kc) (v128.load offset=16 (local.get $pc))))
      (local.set $a2 (f64x2.mul (local.get $kc) (v128.load offset=32 (local.get $pc))))
      (local.set $a3 (f64x2.mul (local.get $kc) (v128.load offset=48 (local.get $pc))))
      (local.set $j (i32.const 1))
      (block $jdone (loop $jloop
        (br_if $jdone (i32.gt_s (local.get $j) (local.get $r)))
        (local.set $kj (f64x2.splat (f64.load (i32.add (local.get $k) (i32.shl (local.get $j) (i32.const 3))))))
        (local.set $pu (i32.add (local.get $src) (i32.shl (i32.add (i32.load (i32.add (local.get $up) (i32.shl (local.get $j) (i32.const 2)))) (local.get $q)) (i32.const 3))))
        (local.set $pw (i32.add (local.get $src) (i32.shl (i32.add (i32.load (i32.add (local.get $down) (i32.shl (local.get $j) (i32.const 2)))) (local.get $q)) (i32.const 3))))
        (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $kj) (f64x2.add (v128.load offset=0 (local.get $pu)) (v128.load offset=0 (local.get $pw))))))
        (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $kj) (f64x2.add (v128.load offset=16 (local.get $pu)) (v128.load offset=16 (local.get $pw))))))
        (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $kj) (f64x2.add (v128.load offset=32 (local.get $pu)) (v128.load offset=32 (local.get $pw))))))
        (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $kj) (f64x2.add (v128.load offset=48 (local.get $pu)) (v128.load offset=48 (local.get $pw))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jloop)))
      (v128.store offset=0 (local.get $pd) (local.get $a0))
      (v128.store offset=16 (local.get $pd) (local.get $a1))
      (v128.store offset=32 (local.get $pd) (local.get $a2))
      (v128.store offset=48 (local.get $pd) (local.get $a3))
      (local.set $q (i32.add (local.get $q) (i32.const 8)))
      (br $loop8)))
    ;; two at a time
    (block $done2 (loop $loop2
      (br_if $done2 (i32.gt_s (i32.add (local.get $q) (i32.const 2)) (local.get $e)))
      (local.set $pc (i32.add (local.get $src) (i32.shl (i32.add (local.get $c) (local.get $q)) (i32.const 3))))
      (local.set $pd (i32.add (local.get $dst) (i32.shl (i32.add (local.get $d) (local.get $q)) (i32.const 3))))
      (local.set $a0 (f64x2.mul (local.get $kc) (v128.load offset=0 (local.get $pc))))
      (local.set $j (i32.const 1))
      (block $jdone (loop $jloop
        (br_if $jdone (i32.gt_s (local.get $j) (local.get $r)))
        (local.set $kj (f64x2.splat (f64.load (i32.add (local.get $k) (i32.shl (local.get $j) (i32.const 3))))))
        (local.set $pu (i32.add (local.get $src) (i32.shl (i32.add (i32.load (i32.add (local.get $up) (i32.shl (local.get $j) (i32.const 2)))) (local.get $q)) (i32.const 3))))
        (local.set $pw (i32.add (local.get $src) (i32.shl (i32.add (i32.load (i32.add (local.get $down) (i32.shl (local.get $j) (i32.const 2)))) (local.get $q)) (i32.const 3))))
        (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $kj) (f64x2.add (v128.load offset=0 (local.get $pu)) (v128.load offset=0 (local.get $pw))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jloop)))
      (v128.store offset=0 (local.get $pd) (local.get $a0))
      (local.set $q (i32.add (local.get $q) (i32.const 2)))
      (br $loop2)))
    ;; the last odd column
    (if (i32.lt_s (local.get $q) (local.get $e))
      (then
        (local.set $s (f64.mul (f64.load (local.get $k))
          (f64.load (i32.add (local.get $src) (i32.shl (i32.add (local.get $c) (local.get $q)) (i32.const 3))))))
        (local.set $j (i32.const 1))
        (block $sdone (loop $sloop
          (br_if $sdone (i32.gt_s (local.get $j) (local.get $r)))
          (local.set $ks (f64.load (i32.add (local.get $k) (i32.shl (local.get $j) (i32.const 3)))))
          (local.set $s (f64.add (local.get $s) (f64.mul (local.get $ks) (f64.add
            (f64.load (i32.add (local.get $src) (i32.shl (i32.add (i32.load (i32.add (local.get $up) (i32.shl (local.get $j) (i32.const 2)))) (local.get $q)) (i32.const 3))))
            (f64.load (i32.add (local.get $src) (i32.shl (i32.add (i32.load (i32.add (local.get $down) (i32.shl (local.get $j) (i32.const 2)))) (local.get $q)) (i32.const 3))))))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $sloop)))
        (f64.store (i32.add (local.get $dst) (i32.shl (i32.add (local.get $d) (local.get $q)) (i32.const 3))) (local.get $s)))))
  ;; blockSums(src, c, k, r, rows, dst): the columnSums of `rows` output rows of a strip 8 values
  ;; wide whose rows are contiguous (row o's window is rows o − r .. o + r, none clamped):
  ;;   dst[8o + q] = k[0]·src[c + 8o + q] + Σ_{j = 1..r} k[j]·(src[c + 8(o − j) + q] + src[c + 8(o + j) + q])
  ;; in columnSums's order of operations, so the same bits.
  (func (export "blockSums")
    (param $src i32) (param $c i32) (param $k i32) (param $r i32) (param $rows i32) (param $dst i32)
    (local $o i32) (local $j i32) (local $pc i32) (local $pd i32) (local $pu i32) (local $pw i32)
    (local $kc v128) (local $kj v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $kc (f64x2.splat (f64.load (local.get $k))))
    (local.set $o (i32.const 0))
    (block $done (loop $rowloop
      (br_if $done (i32.ge_s (local.get $o) (local.get $rows)))
      (local.set $pc (i32.add (local.get $src) (i32.shl (i32.add (local.get $c) (i32.shl (local.get $o) (i32.const 3))) (i32.const 3))))
      (local.set $pd (i32.add (local.get $dst) (i32.shl (local.get $o) (i32.const 6))))
      (local.set $a0 (f64x2.mul (local.get $kc) (v128.load offset=0 (local.get $pc))))
      (local.set $a1 (f64x2.mul (local.get $kc) (v128.load offset=16 (local.get $pc))))
      (local.set $a2 (f64x2.mul (local.get $kc) (v128.load offset=32 (local.get $pc))))
      (local.set $a3 (f64x2.mul (local.get $kc) (v128.load offset=48 (local.get $pc))))
      (local.set $pu (local.get $pc))
      (local.set $pw (local.get $pc))
      (local.set $j (i32.const 1))
      (block $jdone (loop $jloop
        (br_if $jdone (i32.gt_s (local.get $j) (local.get $r)))
        (local.set $kj (f64x2.splat (f64.load (i32.add (local.get $k) (i32.shl (local.get $j) (i32.const 3))))))
        (local.set $pu (i32.sub (local.get $pu) (i32.const 64)))
        (local.set $pw (i32.add (local.get $pw) (i32.const 64)))
        (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $kj) (f64x2.add (v128.load offset=0 (local.get $pu)) (v128.load offset=0 (local.get $pw))))))
        (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $kj) (f64x2.add (v128.load offset=16 (local.get $pu)) (v128.load offset=16 (local.get $pw))))))
        (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $kj) (f64x2.add (v128.load offset=32 (local.get $pu)) (v128.load offset=32 (local.get $pw))))))
        (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $kj) (f64x2.add (v128.load offset=48 (local.get $pu)) (v128.load offset=48 (local.get $pw))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jloop)))
      (v128.store offset=0 (local.get $pd) (local.get $a0))
      (v128.store offset=16 (local.get $pd) (local.get $a1))
      (v128.store offset=32 (local.get $pd) (local.get $a2))
      (v128.store offset=48 (local.get $pd) (local.get $a3))
      (local.set $o (i32.add (local.get $o) (i32.const 1)))
      (br $rowloop))))
  ;; dot(a, k, n) = Σ_{i < n} k[i]·a[i] (byte addresses of f64 arrays) in four interleaved partial
  ;; sums, lanes i ≡ 0, 1, 2, 3 (mod 4) of the first n − n mod 4 terms, the rest one after the other:
  ;; ((s0 + s1) + (s2 + s3)) + tail. blur.ts dot does the same operations (the same bits).
  (func (export "dot") (param $a i32) (param $k i32) (param $n i32) (result f64)
    (local $i i32) (local $m i32) (local $s01 v128) (local $s23 v128) (local $t f64)
    (local.set $m (i32.and (local.get $n) (i32.const -4)))
    (local.set $s01 (v128.const f64x2 0 0))
    (local.set $s23 (v128.const f64x2 0 0))
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $i) (local.get $m)))
      (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul
        (v128.load (i32.add (local.get $k) (i32.shl (local.get $i) (i32.const 3))))
        (v128.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 3)))))))
      (local.set $s23 (f64x2.add (local.get $s23) (f64x2.mul
        (v128.load offset=16 (i32.add (local.get $k) (i32.shl (local.get $i) (i32.const 3))))
        (v128.load offset=16 (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 3)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l)))
    (block $tdone (loop $tl
      (br_if $tdone (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $t (f64.add (local.get $t) (f64.mul
        (f64.load (i32.add (local.get $k) (i32.shl (local.get $i) (i32.const 3))))
        (f64.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 3)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $tl)))
    (f64.add
      (f64.add
        (f64.add (f64x2.extract_lane 0 (local.get $s01)) (f64x2.extract_lane 1 (local.get $s01)))
        (f64.add (f64x2.extract_lane 0 (local.get $s23)) (f64x2.extract_lane 1 (local.get $s23))))
      (local.get $t))))
