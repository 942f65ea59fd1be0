import BuildProvenance
import PipelineCore
import Stages

StageMain.run(SweepSummaryStage.self, builtFrom: builtSourceDigests)
