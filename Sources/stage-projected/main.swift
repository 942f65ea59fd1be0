import BuildProvenance
import PipelineCore
import Stages

StageMain.run(ProjectedStage.self, builtFrom: builtSourceDigests)
