// Types shared by the parts of the token engine (mmfree_token_engine.sv and token/*.sv): the
// commands one part gives another, as packed structs, and the enumerations they carry.
//
// Written in the subset both Verilator 5.006 and Yosys 0.23 read: packed structs and enums in a
// package, referred to by qualified names (Yosys 0.23 reads no `import` inside a module), and no
// package import in a port list. The package is compiled before every module that uses it.
package mmfree_token_pkg;

  // Matrix kinds in stream order within a layer, then the lm_head.
  typedef enum logic [2:0] {MxI, MxF, MxG, MxO, MxGate, MxDown, MxHead} matrix_e;

  // Vector-read destinations (each with its conversion of the floats read).
  typedef enum logic [2:0] {DstX, DstN, DstH, DstLb, DstBeta, DstTok} dst_e;

  // Element loops.
  typedef enum logic [2:0] {LkNorm, LkOgate, LkProj, LkMlgru, LkGlu, LkQuant} loop_e;

  // Vector-write sources (the logits come from the row-sum intake, one beat at a time).
  typedef enum logic [1:0] {SrcZero, SrcH, SrcArgmax, SrcLogits} src_e;

  // A vector write: n words from src to gmem at addr (any 4-byte-aligned address).
  typedef struct packed {
    src_e        src;
    logic [63:0] addr;
    logic [31:0] n;
  } wr_cmd_t;

  // A vector read: n floats from gmem at addr into dst (slot: the n buffer's slot; lane: the
  // lane whose region of x or h it fills; 4 bits: BatchLanes <= 16, the contract's
  // max_batch_lanes).
  typedef struct packed {
    dst_e        dst;
    logic [1:0]  slot;
    logic [3:0]  lane;
    logic [63:0] addr;
    logic [31:0] n;
  } rd_cmd_t;

  // The row-sum intake's view of the matrix whose sums come back (held while they do).
  typedef struct packed {
    logic        gate;     // the Gate matrix: rows from `half` on are its up half
    logic        head;     // the lm_head: the argmax is tracked
    logic        logits;   // the logits are written: rows are taken only when they can be pushed
    logic [31:0] half;     // I (the Gate matrix's halves)
    logic [31:0] rows;     // rows of the matrix
  } intake_cfg_t;

  // An element loop: n elements of `kind`, with its operand choices (held while it runs).
  typedef struct packed {
    loop_e       kind;
    logic [31:0] n;
    logic        clear_ss;     // the sums of squares start from zero
    logic        clear_amax;   // the largest magnitude starts from zero
    logic        src_x;        // LkNorm's input: x (attention, head) or r (channel mixer)
    logic        down;         // LkProj of the Down matrix: its input is y, not p1
    logic        bounded;      // the forget gate's lower bound applies (layers after the first)
  } loop_cmd_t;

endpackage
