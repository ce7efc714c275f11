# Floorplan of mmfree_kernel on the 3-SLR HBM cards (U280 and U55C share it: the same SLRs, the
# HBM at the bottom of SLR0): docs/floorplan.md says why. Sourced by Vivado in the v++ link's implementation
# run before opt_design (link.cfg, [vivado] prop=run.impl_1.STEPS.OPT_DESIGN.TCL.PRE).
#
#   SLR0 (the HBM stacks sit at its bottom edge): every weight port, i.e. u_core/gen_port[*]:
#        its AXI read master and weight FIFO (URAM), feeder, activation RAM and ternary array.
#        The 31 (U55C) or 32 (U280) 512-bit read-data channels then never leave SLR0 (on the U55C
#        gmem is HBM[31], also SLR0).
#   SLR1: the token engine (u_core/u_token: most of the kernel's DSPs and block RAMs), the
#        sequencer, the sum collector, the gmem read/write masters, control and counters.
#
# USER_SLR_ASSIGNMENT is a placement directive, not a hard pblock: Vivado keeps the cells in
# that SLR and may still move registers of a crossing (Laguna flops). Written without Vivado
# at hand: the instance paths follow hw/rtl/kernel/mmfree_kernel_core.sv, and the script only
# warns (does not fail the run) when a path matches nothing.
set me "mmfree floorplan"
set kernels [get_cells -quiet -hierarchical -filter {ORIG_REF_NAME == mmfree_kernel || REF_NAME == mmfree_kernel}]
if {[llength $kernels] != 1} {
  puts "WARNING: $me: expected one mmfree_kernel instance, found [llength $kernels]: no SLR assignment"
  return
}
set k [lindex $kernels 0]

proc mmfree_assign {me slr cells what} {
  if {[llength $cells] == 0} {
    puts "WARNING: $me: no cells for $what: not assigned to $slr"
    return
  }
  set_property USER_SLR_ASSIGNMENT $slr $cells
  puts "INFO: $me: [llength $cells] cells ($what) -> $slr"
}

mmfree_assign $me SLR0 [get_cells -quiet "$k/u_core/gen_port\[*\].*"] "weight ports"
foreach inst {u_token u_sequencer u_collector u_gmem_read u_gmem_write u_control u_counters} {
  mmfree_assign $me SLR1 [get_cells -quiet "$k/u_core/$inst"] $inst
}
