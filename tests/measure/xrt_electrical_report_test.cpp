// card_watts_from_electrical_json against reports shaped exactly like XRT's.
//
// The JSON of xrt::device::get_info<xrt::info::device::electrical>() is the tree that XRT's
// src/runtime_src/core/common/sensor.cpp builds (xrt_core::sensor::read_electrical:
// read_legacy_electrical for cards whose firmware answers named sensor queries,
// read_data_driven_electrical for cards with data-driven sensors), written by
// boost::property_tree::write_json in src/runtime_src/core/common/api/xrt_device.cpp (json_str):
// every leaf is a string, four-space indentation, arrays of unnamed children, '/' escaped as
// "\/". `xbutil examine -r electrical --format JSON` nests the same tree under "electrical"
// (src/runtime_src/core/tools/common/reports/ReportElectrical.cpp). The numbers below are
// made up; the layout, key order and value formats are XRT's.
#include <gtest/gtest.h>

#include <string>

#include "mmfree/error.hpp"
#include "mmfree/measure/power_sampler.hpp"

namespace {

using mmfree::DeviceError;
using mmfree::measure::card_watts_from_electrical_json;

// read_legacy_electrical: populate_sensor() per rail (id, description, voltage.volts and
// .is_present, current.amps and .is_present; volts and amps with 3 decimals), then the max
// power level ("75"/"150"/"225"), power_microwatts with 6 decimals and the warning flag.
// Shortened to four of its rails.
constexpr const char* kLegacyReport = R"({
    "power_rails": [
        {
            "id": "12v_aux",
            "description": "12 Volts Auxillary",
            "voltage": {
                "volts": "12.187",
                "is_present": "true"
            },
            "current": {
                "amps": "0.412",
                "is_present": "true"
            }
        },
        {
            "id": "12v_pex",
            "description": "12 Volts PCI Express",
            "voltage": {
                "volts": "12.106",
                "is_present": "true"
            },
            "current": {
                "amps": "1.424",
                "is_present": "true"
            }
        },
        {
            "id": "3v3_pex",
            "description": "3.3 Volts PCI Express",
            "voltage": {
                "volts": "3.313",
                "is_present": "true"
            },
            "current": {
                "amps": "0.000",
                "is_present": "false"
            }
        },
        {
            "id": "vccint",
            "description": "Internal FPGA Vcc",
            "voltage": {
                "volts": "0.851",
                "is_present": "true"
            },
            "current": {
                "amps": "9.312",
                "is_present": "true"
            }
        }
    ],
    "power_consumption_max_watts": "225",
    "power_consumption_watts": "22.462431",
    "power_consumption_warning": "false"
}
)";

// read_data_driven_electrical: voltage rails (volts, max, average), current rails matched to
// them by label, then the "Total Power" sensor with 3 decimals, its max, and no warning.
constexpr const char* kDataDrivenReport = R"({
    "power_rails": [
        {
            "id": "12v_pex",
            "description": "12v_pex",
            "voltage": {
                "volts": "12.144",
                "max": "12.200",
                "average": "12.141",
                "is_present": "true"
            },
            "current": {
                "is_present": "true",
                "amps": "1.604",
                "max": "1.790",
                "average": "1.598"
            }
        },
        {
            "id": "vccint",
            "description": "vccint",
            "voltage": {
                "volts": "0.850",
                "max": "0.852",
                "average": "0.850",
                "is_present": "true"
            },
            "current": {
                "is_present": "false"
            }
        }
    ],
    "power_consumption_watts": "19.476",
    "power_consumption_max_watts": "21.032",
    "power_consumption_warning": "N\/A"
}
)";

std::string error_of(const std::string& json) {
  try {
    card_watts_from_electrical_json(json);
  } catch (const DeviceError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no DeviceError for " << json;
  return {};
}

TEST(XrtElectricalReport, LegacySensorTreeGivesTheCardPower) {
  EXPECT_DOUBLE_EQ(card_watts_from_electrical_json(kLegacyReport), 22.462431);
}

TEST(XrtElectricalReport, DataDrivenSensorTreeGivesTheTotalPower) {
  EXPECT_DOUBLE_EQ(card_watts_from_electrical_json(kDataDrivenReport), 19.476);
}

TEST(XrtElectricalReport, XbutilReportNestsTheTreeUnderElectrical) {
  const std::string xbutil = std::string("{\n    \"electrical\": ") + kLegacyReport + "}\n";
  EXPECT_DOUBLE_EQ(card_watts_from_electrical_json(xbutil), 22.462431);
}

TEST(XrtElectricalReport, PowerNotAvailableSaysSo) {
  // read_legacy_electrical when the power query throws: the rails are still listed, every
  // power field is "N/A".
  const std::string report = R"({
    "power_rails": [
        {
            "id": "12v_pex",
            "description": "12 Volts PCI Express",
            "voltage": {
                "volts": "12.106",
                "is_present": "true"
            },
            "current": {
                "amps": "1.424",
                "is_present": "true"
            }
        }
    ],
    "power_consumption_max_watts": "N\/A",
    "power_consumption_watts": "N\/A",
    "power_consumption_warning": "N\/A"
}
)";
  const std::string message = error_of(report);
  EXPECT_NE(message.find("power_consumption_watts is N/A"), std::string::npos) << message;
}

TEST(XrtElectricalReport, CardWithoutSensorsPassesXrtsMessageOn) {
  // read_electrical when the data-driven query returns no sensors.
  const std::string message = error_of("{\n    \"msg\": \"No sensors present\"\n}\n");
  EXPECT_NE(message.find("no power_consumption_watts"), std::string::npos) << message;
  EXPECT_NE(message.find("No sensors present"), std::string::npos) << message;
}

TEST(XrtElectricalReport, MissingFieldIsNamed) {
  const std::string message = error_of(R"({"power_rails": "", "power_consumption_max_watts": "225"})");
  EXPECT_NE(message.find("no power_consumption_watts"), std::string::npos) << message;
}

TEST(XrtElectricalReport, NotJsonIsAnError) {
  EXPECT_NE(error_of("Electrical\n  Power : 22.46 Watts\n").find("not JSON"), std::string::npos);
  EXPECT_NE(error_of("[1, 2]").find("not a JSON object"), std::string::npos);
}

TEST(XrtElectricalReport, ValueMustBeANumberInFull) {
  // std::stod would have read 22.4 here and ignored the rest.
  EXPECT_NE(error_of(R"({"power_consumption_watts": "22.4 W"})").find("'22.4 W' is not a number"), std::string::npos);
  EXPECT_NE(error_of(R"({"power_consumption_watts": ""})").find("is not a number"), std::string::npos);
  EXPECT_NE(error_of(R"({"power_consumption_watts": "nan"})").find("is not a number"), std::string::npos);
  EXPECT_NE(error_of(R"({"power_consumption_watts": true})").find("not a number"), std::string::npos);
}

TEST(XrtElectricalReport, ZeroOrNegativePowerIsRefused) {
  EXPECT_NE(error_of(R"({"power_consumption_watts": "0.000000"})").find("more than 0 W"), std::string::npos);
  EXPECT_NE(error_of(R"({"power_consumption_watts": "-3.5"})").find("more than 0 W"), std::string::npos);
}

TEST(XrtElectricalReport, RawSensorValueWithoutItsUnitIsRefused) {
  // 19476 mW written as if it were watts.
  const std::string message = error_of(R"({"power_consumption_watts": "19476"})");
  EXPECT_NE(message.find("implausible"), std::string::npos) << message;
}

TEST(XrtElectricalReport, JsonNumberIsAccepted) {
  EXPECT_DOUBLE_EQ(card_watts_from_electrical_json(R"({"power_consumption_watts": 18.25})"), 18.25);
}

}  // namespace
