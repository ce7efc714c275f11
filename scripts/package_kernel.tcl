# Packages the mmfree RTL as a Vitis RTL kernel (.xo) for one platform.
#
# scripts/build_xclbin.sh runs it in Vivado after writing the generated sources:
#   vivado -mode batch -source scripts/package_kernel.tcl -tclargs \
#     --platform-config OUT/xo/u55c/generated/platform.tcl (scripts/platform_config.py --format tcl
#                                                           from bitstreams/u55c/platform.toml: the
#                                                           part, the top's parameters)
#     --kernel-xml    OUT/xo/u55c/generated/kernel.xml     (hw/contract/gen_contract.py: arguments, ports)
#     --registers     OUT/xo/u55c/generated/registers.txt  (control registers: `name offset bits`)
#     --core          hw/mmfree.core                       (FuseSoC core: the RTL file list)
#     --extra-rtl     OUT/xo/u55c/generated/mmfree_reg_pkg.sv       (generated RTL: replaces the
#     --extra-rtl     OUT/xo/u55c/generated/mmfree_contract_pkg.sv   core's entries of the same
#     --extra-rtl     OUT/xo/u55c/generated/mmfree_kernel.sv         file name)
#     --work          OUT/xo/u55c                     (Vivado project and the packaged IP)
#     --xo            OUT/xo/mmfree_kernel_u55c.xo
# With --plan first, plain tclsh reads the same inputs and prints, one item a line, what would be
# packaged (files, parameters, bus interfaces, registers) without Vivado; tests/board_flow checks
# that plan against the RTL top's ports.
#
# Nothing about the kernel is written here: its name, VLNV, interfaces, argument offsets and
# pointer-to-port associations come from kernel.xml, the control registers from registers.txt, the
# file list from the core, the part and parameters from the board's platform.toml (as a Tcl dict).

# ---------------------------------------------------------------- inputs (plain Tcl)

proc fail {message} {
  puts stderr "package_kernel.tcl: $message"
  exit 1
}

proc read_text {path} {
  if {![file readable $path]} { fail "cannot read $path" }
  set f [open $path r]
  set text [read $f]
  close $f
  return $text
}

proc parse_args {argv} {
  set opts [dict create plan 0]
  set valued {--platform-config --kernel-xml --registers --core --extra-rtl --work --xo}
  for {set i 0} {$i < [llength $argv]} {incr i} {
    set a [lindex $argv $i]
    if {$a eq "--plan"} {
      dict set opts plan 1
    } elseif {$a in $valued && $i + 1 < [llength $argv]} {
      incr i
      set key [string range $a 2 end]
      if {$key eq "extra-rtl"} {
        dict lappend opts $key [file normalize [lindex $argv $i]]
      } else {
        dict set opts $key [lindex $argv $i]
      }
    } else {
      fail "unknown or incomplete argument '$a' (see the header of this script)"
    }
  }
  foreach need {platform-config kernel-xml registers core work xo} {
    if {![dict exists $opts $need]} { fail "missing --$need" }
  }
  if {![dict exists $opts extra-rtl]} { dict set opts extra-rtl {} }
  return $opts
}

# The board's parameters as scripts/platform_config.py --format tcl writes them: a Tcl dict
# (part, board, generics {{Name value} ...}), read as Tcl's own list syntax, not parsed here.
proc read_platform_config {path} {
  set config [string trim [read_text $path]]
  if {[catch {dict size $config}]} { fail "$path: not a Tcl dict (write it with scripts/platform_config.py --format tcl)" }
  foreach need {part generics} {
    if {![dict exists $config $need]} { fail "$path: no $need" }
  }
  return $config
}

proc xml_attributes {text} {
  set attrs [dict create]
  foreach {- name value} [regexp -all -inline {([A-Za-z_:]+)="([^"]*)"} $text] {
    dict set attrs $name $value
  }
  return $attrs
}

# kernel.xml as written by hw/contract/gen_contract.py: the <kernel> attributes, its <port>s and <arg>s.
proc read_kernel_xml {path} {
  set text [read_text $path]
  if {![regexp {<kernel\s([^>]*)>} $text -> kattrs]} { fail "$path: no <kernel> element" }
  set kernel [xml_attributes $kattrs]
  foreach need {name vlnv} {
    if {![dict exists $kernel $need]} { fail "$path: <kernel> has no $need attribute" }
  }
  set ports {}
  foreach {- a} [regexp -all -inline {<port\s([^>]*?)/?>} $text] {
    lappend ports [xml_attributes $a]
  }
  set args {}
  foreach {- a} [regexp -all -inline {<arg\s([^>]*?)/?>} $text] {
    set arg [xml_attributes $a]
    foreach need {name addressQualifier port size offset} {
      if {![dict exists $arg $need]} { fail "$path: an <arg> has no $need attribute" }
    }
    lappend args $arg
  }
  if {[llength $ports] == 0 || [llength $args] == 0} { fail "$path: no <port> or no <arg> elements" }
  return [dict create kernel $kernel ports $ports args $args]
}

proc read_registers {path} {
  set regs {}
  set n 0
  foreach line [split [read_text $path] "\n"] {
    incr n
    if {[string trim $line] eq ""} continue
    if {[llength $line] != 3 || ![string is integer -strict [lindex $line 1]]
        || [lindex $line 2] ni {32 64}} {
      fail "$path:$n: expected `name offset bits`"
    }
    lappend regs $line
  }
  return $regs
}

# The RTL files of a FuseSoC CAPI2 core: every `files:` entry of the filesets the `default`
# target uses (all filesets when there is no such target), relative to the core's directory,
# in the order listed. Entries may be `- path` or `- path: {options}`. Only the YAML the core
# format uses is understood: block mappings by indentation (anchors allowed), `[a, b]` flow lists.
proc read_core_files {path} {
  set base [file dirname [file normalize $path]]
  set filesets [dict create]
  set order {}
  set target_filesets {}
  set stack {}
  foreach raw [split [read_text $path] "\n"] {
    regsub {\s+#.*$} $raw "" raw
    if {[string trim $raw] eq "" || [string match "#*" [string trim $raw]]} continue
    regexp {^( *)(.*)$} $raw -> spaces body
    set indent [string length $spaces]
    # Keep, for this line, the chain of mapping keys that encloses it.
    while {[llength $stack] > 0 && [lindex $stack end 0] >= $indent} {
      set stack [lrange $stack 0 end-1]
    }
    set keys {}
    foreach entry $stack { lappend keys [lindex $entry 1] }
    if {[regexp {^- +(.*)$} $body -> item]} {
      # A list item: a file when it sits under filesets/<name>/files.
      if {[llength $keys] >= 3 && [lindex $keys 0] eq "filesets" && [lindex $keys end] eq "files"} {
        regsub {:\s*\{.*\}\s*$} $item "" item
        regsub {:\s*$} $item "" item
        set item [string trim $item {"' }]
        dict lappend filesets [lindex $keys 1] $item
      } elseif {[llength $keys] >= 3 && [lindex $keys 0] eq "targets" && [lindex $keys 1] eq "default"
                && [lindex $keys end] eq "filesets"} {
        lappend target_filesets [string trim $item {"' }]
      }
      continue
    }
    if {[regexp {^([A-Za-z0-9_.-]+):\s*(.*)$} $body -> key value]} {
      if {[llength $keys] == 1 && [lindex $keys 0] eq "filesets" && $key ni $order} {
        lappend order $key
      }
      if {[llength $keys] == 2 && [lindex $keys 0] eq "targets" && [lindex $keys 1] eq "default"
          && $key eq "filesets" && [regexp {^\[(.*)\]$} [string trim $value] -> flow]} {
        foreach fs [split $flow ","] { lappend target_filesets [string trim $fs {"' }] }
      }
      # A key opens a nested mapping when nothing (or only a YAML anchor, `&name`) follows it.
      if {[regexp {^(&[A-Za-z0-9_-]+)?$} [string trim $value]]} { lappend stack [list $indent $key] }
    }
  }
  if {[llength $target_filesets] == 0} { set target_filesets $order }
  set files {}
  foreach fs $target_filesets {
    if {![dict exists $filesets $fs]} continue
    foreach f [dict get $filesets $fs] {
      if {[string match {*.sv} $f] || [string match {*.v} $f] || [string match {*.svh} $f]} {
        lappend files [file normalize [file join $base $f]]
      }
    }
  }
  if {[llength $files] == 0} { fail "$path: no RTL files found in its filesets" }
  return $files
}

# Everything the packaging does, derived from the inputs; both modes work from this.
proc make_plan {opts} {
  set board [read_platform_config [dict get $opts platform-config]]
  set xml [read_kernel_xml [dict get $opts kernel-xml]]
  set kernel [dict get $xml kernel]
  lassign [split [dict get $kernel vlnv] :] vendor library name version
  if {$name ne [dict get $kernel name]} { fail "kernel.xml: vlnv $name differs from name [dict get $kernel name]" }

  # Generated files replace a core entry of the same file name (the core may name the package
  # where the CMake build puts it); every other entry must exist.
  set extra [dict get $opts extra-rtl]
  set extra_names {}
  foreach f $extra { lappend extra_names [file tail $f] }
  set rtl {}
  foreach f [read_core_files [dict get $opts core]] {
    if {[file tail $f] in $extra_names} continue
    if {![file exists $f]} { fail "[dict get $opts core] lists $f, which does not exist" }
    lappend rtl $f
  }
  foreach f $extra {
    if {![file exists $f]} { fail "--extra-rtl $f does not exist" }
  }
  set rtl [concat $extra $rtl]

  set generics [dict get $board generics]

  set busifs {}
  set range ""
  foreach p [dict get $xml ports] {
    lappend busifs [list [dict get $p name] [dict get $p mode] [dict get $p dataWidth]]
    if {[dict get $p mode] eq "slave"} { set range [dict get $p range] }
  }
  if {$range eq ""} { fail "kernel.xml: no slave (control) port" }

  set registers {}
  foreach r [read_registers [dict get $opts registers]] {
    lassign $r rname offset bits
    lappend registers [list $rname [format 0x%03X $offset] $bits -]
  }
  foreach a [dict get $xml args] {
    set busif -
    if {[dict get $a addressQualifier] == 1} { set busif [dict get $a port] }
    lappend registers [list [dict get $a name] [format 0x%03X [dict get $a offset]] \
                         [expr {8 * [dict get $a size]}] $busif]
  }
  return [dict create kernel_name $name vendor $vendor library $library version $version \
            part [dict get $board part] rtl $rtl generics $generics busifs $busifs \
            control_range $range registers $registers \
            interrupt [expr {[dict exists $kernel interrupt] && [dict get $kernel interrupt] eq "true"}] \
            work [file normalize [dict get $opts work]] xo [file normalize [dict get $opts xo]] \
            kernel_xml [file normalize [dict get $opts kernel-xml]]]
}

proc print_plan {plan} {
  puts "kernel [dict get $plan kernel_name]"
  puts "vlnv [dict get $plan vendor]:[dict get $plan library]:[dict get $plan kernel_name]:[dict get $plan version]"
  puts "part [dict get $plan part]"
  foreach f [dict get $plan rtl] { puts "rtl $f" }
  foreach g [dict get $plan generics] { puts "generic [lindex $g 0] [lindex $g 1]" }
  puts "clock ap_clk reset ap_rst_n"
  if {[dict get $plan interrupt]} { puts "interrupt interrupt" }
  foreach b [dict get $plan busifs] { puts "busif [join $b { }] ap_clk" }
  puts "control_range [dict get $plan control_range]"
  foreach r [dict get $plan registers] { puts "register [join $r { }]" }
  puts "xo [dict get $plan xo]"
}

# ---------------------------------------------------------------- Vivado packaging

# A bus parameter's value, added first when the inferred interface does not carry it.
proc set_bus_parameter {busif name value} {
  set p [ipx::get_bus_parameters $name -of_objects $busif -quiet]
  if {$p eq ""} { set p [ipx::add_bus_parameter $name $busif] }
  set_property value $value $p
}

proc package_in_vivado {plan} {
  set work [dict get $plan work]
  set top [dict get $plan kernel_name]
  set ip_dir $work/ip
  file delete -force $work/project $work/edit $ip_dir
  file mkdir $work

  create_project -force -part [dict get $plan part] ${top}_pack $work/project
  add_files -norecurse [dict get $plan rtl]
  foreach f [dict get $plan rtl] {
    if {[string match {*.sv} $f]} { set_property file_type SystemVerilog [get_files $f] }
  }
  set_property top $top [current_fileset]
  # The RTL's assertions and AXI protocol checkers are simulation-only code inside
  # `ifndef SYNTHESIS (and `// pragma translate_off`, which Vivado synthesis honours wherever the
  # packaged files are synthesized): define SYNTHESIS here too, as Yosys does implicitly.
  set_property verilog_define SYNTHESIS [current_fileset]
  # Elaborate with this platform's parameters, so the ports inferred below are the ones the
  # platform's build has (the weight ports depend on NumWeightPorts).
  set generic {}
  foreach g [dict get $plan generics] { lappend generic "[lindex $g 0]=[lindex $g 1]" }
  set_property generic $generic [current_fileset]
  update_compile_order -fileset sources_1

  ipx::package_project -root_dir $ip_dir -vendor [dict get $plan vendor] \
    -library [dict get $plan library] -taxonomy /KernelIP -import_files -set_current false
  ipx::unload_core $ip_dir/component.xml
  ipx::edit_ip_in_project -upgrade true -name ${top}_edit -directory $work/edit $ip_dir/component.xml
  set core [ipx::current_core]
  set_property name $top $core
  set_property version [dict get $plan version] $core
  set_property core_revision 1 $core
  set_property sdx_kernel true $core
  set_property sdx_kernel_type rtl $core
  set_property supported_families {} $core
  set_property auto_family_support_level level_2 $core

  # The platform's parameter values become the IP's: Vitis synthesizes the kernel with them.
  foreach g [dict get $plan generics] {
    lassign $g name value
    set up [ipx::get_user_parameters $name -of_objects $core -quiet]
    set hp [ipx::get_hdl_parameters $name -of_objects $core -quiet]
    if {$up eq "" || $hp eq ""} { fail "the top $top has no parameter $name (platform.toml \[kernel\])" }
    set_property value $value $up
    set_property value $value $hp
  }

  # Clock and reset, inferred from their names by package_project; made sure of here.
  foreach {port vlnv} {ap_clk xilinx.com:signal:clock_rtl:1.0 ap_rst_n xilinx.com:signal:reset_rtl:1.0} {
    if {[ipx::get_bus_interfaces $port -of_objects $core -quiet] eq ""} {
      ipx::infer_bus_interface $port $vlnv $core
    }
  }
  # v++ sets every interface's FREQ_HZ when it links; a value packaged here could contradict it.
  foreach busif [ipx::get_bus_interfaces -of_objects $core] {
    ipx::remove_bus_parameter FREQ_HZ $busif -quiet
  }
  set clk [ipx::get_bus_interfaces ap_clk -of_objects $core]
  set_bus_parameter $clk ASSOCIATED_RESET ap_rst_n
  set_bus_parameter [ipx::get_bus_interfaces ap_rst_n -of_objects $core] POLARITY ACTIVE_LOW
  if {[dict get $plan interrupt]} {
    if {[ipx::get_bus_interfaces interrupt -of_objects $core -quiet] eq ""} {
      ipx::infer_bus_interface interrupt xilinx.com:signal:interrupt_rtl:1.0 $core
    }
    set_bus_parameter [ipx::get_bus_interfaces interrupt -of_objects $core] SENSITIVITY LEVEL_HIGH
  }

  # The interfaces inferred from the RTL port names must be exactly kernel.xml's ports (plus
  # clock, reset and interrupt): an extra AXI bundle would be packaged but never connected.
  set expected {ap_clk ap_rst_n interrupt}
  foreach b [dict get $plan busifs] { lappend expected [lindex $b 0] }
  foreach busif [ipx::get_bus_interfaces -of_objects $core] {
    set name [get_property name $busif]
    if {$name ni $expected} { fail "the RTL top has an interface $name that kernel.xml does not describe" }
  }
  # Every port of kernel.xml must have been inferred from the RTL port names, then clocked by ap_clk.
  foreach b [dict get $plan busifs] {
    lassign $b name mode width
    set busif [ipx::get_bus_interfaces $name -of_objects $core -quiet]
    if {$busif eq ""} {
      fail "kernel.xml port $name was not inferred from the RTL: the top has no ${name}_* AXI ports"
    }
    ipx::associate_bus_interfaces -busif $name -clock ap_clk $core
    if {$mode eq "master"} {
      # Only INCR bursts of full-width beats (docs/device.md): tell the linker, which then
      # leaves out the converters that WRAP/FIXED or narrow bursts would need.
      set_bus_parameter $busif HAS_BURST 0
      set_bus_parameter $busif SUPPORTS_NARROW_BURST 0
    }
  }

  # The control register map: offsets of kernel.xml and registers.txt, pointer arguments tied
  # to the AXI master they address.
  set ctrl [ipx::get_bus_interfaces s_axi_control -of_objects $core]
  set mmap [ipx::get_memory_maps s_axi_control -of_objects $core -quiet]
  if {$mmap eq ""} { set mmap [ipx::add_memory_map s_axi_control $core] }
  set_property slave_memory_map_ref s_axi_control $ctrl
  set block [ipx::get_address_blocks reg0 -of_objects $mmap -quiet]
  if {$block eq ""} { set block [ipx::add_address_block reg0 $mmap] }
  set_property range [expr {[dict get $plan control_range]}] $block
  foreach r [ipx::get_registers -of_objects $block -quiet] { ipx::remove_register [get_property name $r] $block }
  foreach r [dict get $plan registers] {
    lassign $r name offset bits busif
    set reg [ipx::add_register $name $block]
    set_property address_offset $offset $reg
    set_property size $bits $reg
    if {$busif ne "-"} {
      set p [ipx::add_register_parameter ASSOCIATED_BUSIF $reg]
      set_property value $busif $p
    }
  }

  ipx::create_xgui_files $core
  ipx::update_checksums $core
  # Stops the script with the DRC messages when the core breaks a Vitis kernel rule.
  ipx::check_integrity -kernel $core
  ipx::save_core $core
  close_project -delete

  file mkdir [file dirname [dict get $plan xo]]
  package_xo -force -xo_path [dict get $plan xo] -kernel_name $top -ip_directory $ip_dir \
    -kernel_xml [dict get $plan kernel_xml]
}

# ---------------------------------------------------------------- main

set opts [parse_args $argv]
set plan [make_plan $opts]
if {[dict get $opts plan]} {
  print_plan $plan
} else {
  if {[info commands ipx::package_project] eq ""} {
    fail "run me inside Vivado (vivado -mode batch -source ...), or with --plan under tclsh"
  }
  package_in_vivado $plan
}
