#include "ort/node_placement.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ortbackend {
namespace {

using ::testing::HasSubstr;

// Feeds ORT's log messages, one per element, as its logging function gets them.
NodePlacement Parse(const std::vector<std::string>& messages) {
  NodePlacementParser parser;
  for (const auto& m : messages) parser.Feed(m);
  return parser.placement();
}

// ORT 1.24's report when an accelerator took part of the graph.
const std::vector<std::string> kSplit = {
    "Removing initializer 'x'. It is no longer used by any node.",
    "Node placements",
    " Node(s) placed on [OpenVINOExecutionProvider]. Number of nodes: 1",
    "  OpenVINO-EP-subgraph_1 (OpenVINOExecutionProvider_OpenVINO-EP-subgraph_1_0)",
    " Node(s) placed on [CPUExecutionProvider]. Number of nodes: 2",
    "  Triple (triple)",
    "  Triple (triple_again)",
    "Adding default CPU execution provider.",
    "  an indented line of something else",
};

TEST(NodePlacementParser, NothingReportedWithoutThePlacementBlock) {
  NodePlacement p = Parse({"Initializing session.", " Node(s) placed on [CPUExecutionProvider]. Number of nodes: 2"});
  EXPECT_FALSE(p.reported);
  EXPECT_TRUE(p.providers.empty());
  EXPECT_EQ(p.Summary(), "not reported by ONNX Runtime");
}

TEST(NodePlacementParser, ReadsAllNodesOnOneProvider) {
  NodePlacement p = Parse({"Node placements", " All nodes placed on [CPUExecutionProvider]. Number of nodes: 3"});
  ASSERT_TRUE(p.reported);
  ASSERT_EQ(p.providers.size(), 1u);
  EXPECT_EQ(p.providers[0].provider, "CPUExecutionProvider");
  EXPECT_EQ(p.providers[0].count, 3u);
  EXPECT_TRUE(p.providers[0].nodes.empty());
  EXPECT_EQ(p.Summary(), "CPUExecutionProvider: 3 node(s)");
}

TEST(NodePlacementParser, ReadsEachProviderWithItsNodesAndStopsAtTheBlockEnd) {
  NodePlacement p = Parse(kSplit);
  ASSERT_EQ(p.providers.size(), 2u);
  EXPECT_EQ(p.providers[0].provider, "OpenVINOExecutionProvider");
  EXPECT_EQ(p.providers[0].count, 1u);
  EXPECT_EQ(p.providers[1].count, 2u);
  EXPECT_EQ(p.providers[1].nodes, (std::vector<std::string>{"Triple (triple)", "Triple (triple_again)"}));
  EXPECT_EQ(p.Summary(),
            "OpenVINOExecutionProvider: 1 node(s) (OpenVINO-EP-subgraph_1); "
            "CPUExecutionProvider: 2 node(s) (Triple x2)");
}

TEST(NodePlacementParser, ALaterBlockReplacesAnEarlierOne) {
  std::vector<std::string> twice = kSplit;
  twice.push_back("Node placements");
  twice.push_back(" All nodes placed on [CPUExecutionProvider]. Number of nodes: 4");
  NodePlacement p = Parse(twice);
  ASSERT_EQ(p.providers.size(), 1u);
  EXPECT_EQ(p.providers[0].count, 4u);
}

TEST(OpTypeList, CountsRepeatedTypesInFirstSeenOrder) {
  EXPECT_EQ(OpTypeList({"Triple (a)", "Gather (b)", "Triple (c)"}), "Triple x2, Gather");
  EXPECT_EQ(OpTypeList({}), "");
}

TEST(AcceleratorFor, NamesWhatTheSessionIsGiven) {
  ExecutionProviderSettings eps;
  EXPECT_EQ(AcceleratorFor(eps, false), "");
  EXPECT_EQ(AcceleratorFor(eps, true), "CUDA");
  eps.tensorrt = true;
  EXPECT_EQ(AcceleratorFor(eps, true), "TensorRT");
  eps.openvino = true;
  EXPECT_EQ(AcceleratorFor(eps, false), "OpenVINO");
}

TEST(JudgeFallback, CpuOnlySessionsNeverFallBack) {
  FallbackVerdict v = JudgeFallback(Parse(kSplit), "", ProviderFallback::kFail);
  EXPECT_FALSE(v.fell_back);
  EXPECT_FALSE(v.fail);
  EXPECT_TRUE(v.message.empty());
}

TEST(JudgeFallback, NoCpuNodesIsNoFallback) {
  NodePlacement p = Parse({"Node placements", " All nodes placed on [OpenVINOExecutionProvider]. Number of nodes: 1"});
  FallbackVerdict v = JudgeFallback(p, "OpenVINO", ProviderFallback::kFail);
  EXPECT_FALSE(v.fell_back);
  EXPECT_FALSE(v.fail);
}

TEST(JudgeFallback, FailPolicyNamesTheFallenBackNodes) {
  FallbackVerdict v = JudgeFallback(Parse(kSplit), "OpenVINO", ProviderFallback::kFail);
  EXPECT_TRUE(v.fell_back);
  EXPECT_TRUE(v.fail);
  EXPECT_THAT(v.message, HasSubstr("2 node(s) fell back from OpenVINO to CPUExecutionProvider"));
  EXPECT_THAT(v.message, HasSubstr("Triple (triple), Triple (triple_again)"));
}

TEST(JudgeFallback, WarnAndAllowDescribeButDoNotFail) {
  for (ProviderFallback policy : {ProviderFallback::kWarn, ProviderFallback::kAllow}) {
    FallbackVerdict v = JudgeFallback(Parse(kSplit), "OpenVINO", policy);
    EXPECT_TRUE(v.fell_back);
    EXPECT_FALSE(v.fail);
    EXPECT_THAT(v.message, HasSubstr("Triple (triple)"));
  }
}

TEST(JudgeFallback, AcceleratorThatTookNothingIsAFallbackOfEveryNode) {
  NodePlacement p = Parse({"Node placements", " All nodes placed on [CPUExecutionProvider]. Number of nodes: 3"});
  FallbackVerdict v = JudgeFallback(p, "CUDA", ProviderFallback::kFail);
  EXPECT_TRUE(v.fail);
  EXPECT_THAT(v.message, HasSubstr("CUDA was asked for but took no node: all 3 node(s) run on CPUExecutionProvider"));
}

TEST(JudgeFallback, FailPolicyFailsWhenOrtReportedNothing) {
  EXPECT_TRUE(JudgeFallback(NodePlacement(), "OpenVINO", ProviderFallback::kFail).fail);
  EXPECT_FALSE(JudgeFallback(NodePlacement(), "OpenVINO", ProviderFallback::kWarn).fail);
}

}  // namespace
}  // namespace ortbackend
