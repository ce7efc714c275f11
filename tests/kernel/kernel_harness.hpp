// The whole mmfree_kernel (the generated Vitis top) in Verilator with C++ AXI memory models on
// gmem and every weight port, and a C++ AXI4-Lite master on s_axi_control: the host's and the
// board's view of the kernel, cycle by cycle.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <vector>

#include "Vmmfree_kernel.h"
#include "axi_lite_driver.hpp"
#include "axi_memory.hpp"
#include "mmfree/regmap.hpp"
#include "sim_clock.hpp"

namespace mmfree::kernel_test {

class KernelHarness {
 public:
  static constexpr unsigned kWeightPorts = 3;  // tests/kernel/CMakeLists.txt generates this top
  static constexpr unsigned kBeatBytes = 64;

  explicit KernelHarness(AxiTiming timing, uint32_t seed = 1)
      : clock_(*dut_.model, dut_->ap_clk),
        gmem_read_(AxiReadPort{&dut_->m_axi_gmem_arvalid, &dut_->m_axi_gmem_arready, &dut_->m_axi_gmem_araddr,
                               &dut_->m_axi_gmem_arlen, &dut_->m_axi_gmem_arsize, &dut_->m_axi_gmem_arburst,
                               &dut_->m_axi_gmem_rvalid, &dut_->m_axi_gmem_rready,
                               dut_->m_axi_gmem_rdata.data(), &dut_->m_axi_gmem_rresp,
                               &dut_->m_axi_gmem_rlast, kBeatBytes},
                   memory, timing, seed),
        gmem_write_(AxiWritePort{&dut_->m_axi_gmem_awvalid, &dut_->m_axi_gmem_awready,
                                 &dut_->m_axi_gmem_awaddr, &dut_->m_axi_gmem_awlen, &dut_->m_axi_gmem_awsize,
                                 &dut_->m_axi_gmem_awburst, &dut_->m_axi_gmem_wvalid, &dut_->m_axi_gmem_wready,
                                 dut_->m_axi_gmem_wdata.data(), &dut_->m_axi_gmem_wstrb,
                                 &dut_->m_axi_gmem_wlast, &dut_->m_axi_gmem_bvalid, &dut_->m_axi_gmem_bready,
                                 &dut_->m_axi_gmem_bresp, kBeatBytes},
                    memory, timing, seed + 1),
        bus_(AxiLitePort{&dut_->s_axi_control_awvalid, &dut_->s_axi_control_awready,
                         &dut_->s_axi_control_awaddr, &dut_->s_axi_control_wvalid, &dut_->s_axi_control_wready,
                         &dut_->s_axi_control_wdata, &dut_->s_axi_control_wstrb, &dut_->s_axi_control_bvalid,
                         &dut_->s_axi_control_bready, &dut_->s_axi_control_bresp,
                         &dut_->s_axi_control_arvalid, &dut_->s_axi_control_arready,
                         &dut_->s_axi_control_araddr, &dut_->s_axi_control_rvalid,
                         &dut_->s_axi_control_rready, &dut_->s_axi_control_rdata, &dut_->s_axi_control_rresp},
             [this] { clock_.settle(); }, [this] { cycle(); }) {
    weights_.push_back(std::make_unique<AxiReadMemory>(
        AxiReadPort{&dut_->m_axi_w00_arvalid, &dut_->m_axi_w00_arready, &dut_->m_axi_w00_araddr,
                    &dut_->m_axi_w00_arlen, &dut_->m_axi_w00_arsize, &dut_->m_axi_w00_arburst,
                    &dut_->m_axi_w00_rvalid, &dut_->m_axi_w00_rready, dut_->m_axi_w00_rdata.data(),
                    &dut_->m_axi_w00_rresp, &dut_->m_axi_w00_rlast, kBeatBytes},
        memory, timing, seed + 10));
    weights_.push_back(std::make_unique<AxiReadMemory>(
        AxiReadPort{&dut_->m_axi_w01_arvalid, &dut_->m_axi_w01_arready, &dut_->m_axi_w01_araddr,
                    &dut_->m_axi_w01_arlen, &dut_->m_axi_w01_arsize, &dut_->m_axi_w01_arburst,
                    &dut_->m_axi_w01_rvalid, &dut_->m_axi_w01_rready, dut_->m_axi_w01_rdata.data(),
                    &dut_->m_axi_w01_rresp, &dut_->m_axi_w01_rlast, kBeatBytes},
        memory, timing, seed + 11));
    weights_.push_back(std::make_unique<AxiReadMemory>(
        AxiReadPort{&dut_->m_axi_w02_arvalid, &dut_->m_axi_w02_arready, &dut_->m_axi_w02_araddr,
                    &dut_->m_axi_w02_arlen, &dut_->m_axi_w02_arsize, &dut_->m_axi_w02_arburst,
                    &dut_->m_axi_w02_rvalid, &dut_->m_axi_w02_rready, dut_->m_axi_w02_rdata.data(),
                    &dut_->m_axi_w02_rresp, &dut_->m_axi_w02_rlast, kBeatBytes},
        memory, timing, seed + 12));
    dut_->ap_rst_n = 0;
    for (int i = 0; i < 4; ++i) cycle();
    dut_->ap_rst_n = 1;
    clock_.settle();
  }

  // One clock cycle with every memory model taking part.
  void cycle() {
    gmem_read_.drive(clock_.cycle());
    gmem_write_.drive(clock_.cycle());
    for (auto& w : weights_) w->drive(clock_.cycle());
    clock_.settle();
    gmem_read_.observe(clock_.cycle());
    gmem_write_.observe(clock_.cycle());
    for (auto& w : weights_) w->observe(clock_.cycle());
    clock_.tick();
  }

  // Starts with the arguments already written and runs until the interrupt (done) rises.
  // Returns the cycles it took; throws if it never finishes.
  uint64_t start_and_wait(uint64_t max_cycles) {
    bus_.write(regmap::gie::kOffset, regmap::gie::kEnable);
    bus_.write(regmap::ier::kOffset, regmap::ier::kDone);
    bus_.write(regmap::ctrl::kOffset, regmap::ctrl::kApStart);
    const uint64_t begin = clock_.cycle();
    // Verilator renames the port `interrupt` (a reserved word to it) to __SYM__interrupt.
    while (!dut_->__SYM__interrupt) {
      if (clock_.cycle() - begin > max_cycles) throw std::runtime_error("kernel did not finish");
      cycle();
    }
    bus_.write(regmap::isr::kOffset, regmap::isr::kDone);
    return clock_.cycle() - begin;
  }

  // Runs until the interrupt rises (ISR done with GIE/IER already enabled), then clears ISR.
  void wait_for_interrupt(uint64_t max_cycles) {
    const uint64_t begin = clock_.cycle();
    while (!dut_->__SYM__interrupt) {
      if (clock_.cycle() - begin > max_cycles) throw std::runtime_error("no interrupt");
      cycle();
    }
    bus_.write(regmap::isr::kOffset, regmap::isr::kDone);
  }

  std::vector<std::string> protocol_errors() const {
    std::vector<std::string> all = gmem_read_.errors;
    all.insert(all.end(), gmem_write_.errors.begin(), gmem_write_.errors.end());
    for (const auto& w : weights_) all.insert(all.end(), w->errors.begin(), w->errors.end());
    return all;
  }

  AxiLiteDriver& bus() { return bus_; }
  AxiReadMemory& weight_port(unsigned p) { return *weights_.at(p); }
  Vmmfree_kernel& dut() { return *dut_.model; }

  SparseMemory memory;

 private:
  VerilatedUnit<Vmmfree_kernel> dut_;
  SimClock<Vmmfree_kernel> clock_;
  AxiReadMemory gmem_read_;
  AxiWriteMemory gmem_write_;
  std::vector<std::unique_ptr<AxiReadMemory>> weights_;
  AxiLiteDriver bus_;
};

}  // namespace mmfree::kernel_test
