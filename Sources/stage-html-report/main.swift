import BuildProvenance
import PipelineCore
import Stages

StageMain.run(ReportStage.self, builtFrom: builtSourceDigests)
