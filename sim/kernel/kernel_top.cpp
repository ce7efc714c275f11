// The Verilated mmfree_kernel (docs/device.md's ports) bound to the harness, in its fast and
// its FST-traced build. Both classes come from the same RTL and parameters (sim/CMakeLists.txt).
// MMFREE_SIM_FAST_MODEL_ONLY builds it without the traced model: the profile-training program of
// sim/pgo/ runs only the fast one.
#include <verilated.h>
#if !MMFREE_SIM_FAST_MODEL_ONLY
#include <verilated_fst_c.h>
#endif

#include <memory>
#include <string>
#include <vector>

#include "Vmmfree_kernel.h"
#if !MMFREE_SIM_FAST_MODEL_ONLY
#include "Vmmfree_kernel_traced.h"
#endif
#include "mmfree/error.hpp"
#include "mmfree/sim/sim_device.hpp"

namespace mmfree::sim {
namespace {

constexpr unsigned kWeightPorts = MMFREE_SIM_WEIGHT_PORTS;

std::string configuration_name(bool traced) {
  return "mmfree_kernel NumWeightPorts=" + std::to_string(kWeightPorts) +
         " WeightDataWidth=" + std::to_string(MMFREE_SIM_WEIGHT_DATA_WIDTH) +
         " WeightFifoDepth=" + std::to_string(MMFREE_SIM_WEIGHT_FIFO_DEPTH) +
         " WeightOutstanding=" + std::to_string(MMFREE_SIM_WEIGHT_OUTSTANDING) + (traced ? " (traced)" : " (fast)");
}

// Appends weight port NN if the top has it and it is one of the first kWeightPorts.
#define MMFREE_SIM_ADD_WEIGHT_PORT(ports, top, nn)                                      \
  do {                                                                                  \
    if constexpr (requires { (top).m_axi_w##nn##_arvalid; }) {                          \
      if (1##nn - 100 < kWeightPorts) {                                                 \
        (ports).push_back({"m_axi_w" #nn, MMFREE_SIM_BIND_AXI_READ_MASTER(top, m_axi_w##nn##_)}); \
      }                                                                                 \
    }                                                                                   \
  } while (false)

template <class Model>
std::vector<NamedAxiPort> kernel_memory_ports(Model& m) {
  std::vector<NamedAxiPort> ports;
  ports.push_back({"m_axi_gmem", MMFREE_SIM_BIND_AXI_MASTER(m, m_axi_gmem_)});
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 00);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 01);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 02);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 03);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 04);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 05);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 06);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 07);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 08);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 09);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 10);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 11);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 12);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 13);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 14);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 15);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 16);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 17);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 18);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 19);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 20);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 21);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 22);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 23);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 24);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 25);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 26);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 27);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 28);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 29);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 30);
  MMFREE_SIM_ADD_WEIGHT_PORT(ports, m, 31);
  return ports;
}

class FastKernelTop final : public VerilatedTop {
 public:
  FastKernelTop() : context_(std::make_unique<VerilatedContext>()) {
    context_->randReset(0);
    model_ = std::make_unique<Vmmfree_kernel>(context_.get(), "mmfree_kernel");
  }
  // Verilator 5.006 unregisters a model's scopes (which --assert builds have) from
  // Verilated::threadContextp(), not from the model's own context: point it here first, or a
  // context destroyed earlier in the process is locked and the process hangs.
  ~FastKernelTop() override {
    Verilated::threadContextp(context_.get());
    model_->final();
  }

  void set_clock_and_eval(bool high) override {
    model_->ap_clk = high;
    model_->eval();
  }
  void set_reset_n(bool high) override { model_->ap_rst_n = high; }
  AxiLitePins control_port() override { return MMFREE_SIM_BIND_AXI_LITE(*model_, s_axi_control_); }
  std::vector<NamedAxiPort> memory_ports() override { return kernel_memory_ports(*model_); }
  SignalRef interrupt() override { return MMFREE_SIM_INTERRUPT_PIN(*model_); }
  std::string description() const override { return configuration_name(false); }

 private:
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Vmmfree_kernel> model_;
};

#if !MMFREE_SIM_FAST_MODEL_ONLY
class TracedKernelTop final : public VerilatedTop {
 public:
  TracedKernelTop() : context_(std::make_unique<VerilatedContext>()) {
    context_->randReset(0);
    context_->traceEverOn(true);
    model_ = std::make_unique<Vmmfree_kernel_traced>(context_.get(), "mmfree_kernel");
  }
  // Scopes are unregistered from Verilated::threadContextp() (see ~FastKernelTop).
  ~TracedKernelTop() override {
    close_trace();
    Verilated::threadContextp(context_.get());
    model_->final();
  }

  void set_clock_and_eval(bool high) override {
    model_->ap_clk = high;
    model_->eval();
    if (trace_) trace_->dump(time_);
    time_ += 5;  // half of a 10 ns period: waveforms read in nanoseconds at 100 MHz
  }
  void set_reset_n(bool high) override { model_->ap_rst_n = high; }
  AxiLitePins control_port() override { return MMFREE_SIM_BIND_AXI_LITE(*model_, s_axi_control_); }
  std::vector<NamedAxiPort> memory_ports() override { return kernel_memory_ports(*model_); }
  SignalRef interrupt() override { return MMFREE_SIM_INTERRUPT_PIN(*model_); }
  std::string description() const override { return configuration_name(true); }

  void open_trace(const std::filesystem::path& file) override {
    close_trace();
    trace_ = std::make_unique<VerilatedFstC>();
    model_->trace(trace_.get(), 99);
    trace_->open(file.c_str());
    if (!trace_->isOpen()) {
      trace_.reset();
      throw DeviceError("sim: cannot open the waveform file " + file.string());
    }
  }
  void close_trace() override {
    if (trace_) {
      trace_->close();
      trace_.reset();
    }
  }

 private:
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Vmmfree_kernel_traced> model_;
  std::unique_ptr<VerilatedFstC> trace_;
  uint64_t time_ = 0;
};
#endif

}  // namespace

std::string sim_kernel_configuration() { return configuration_name(false); }

std::unique_ptr<VerilatedTop> make_kernel_top(bool traced) {
#if MMFREE_SIM_FAST_MODEL_ONLY
  if (traced) throw DeviceError("sim: " + configuration_name(false) + " was built without the traced model");
#else
  if (traced) return std::make_unique<TracedKernelTop>();
#endif
  return std::make_unique<FastKernelTop>();
}

std::unique_ptr<SimDevice> open_sim_kernel(const SimDeviceOptions& options) {
  return std::make_unique<SimDevice>(make_kernel_top(!options.trace_file.empty()), options);
}

}  // namespace mmfree::sim
