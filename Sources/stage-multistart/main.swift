import BuildProvenance
import PipelineCore
import Stages

StageMain.run(MultiStartStage.self, builtFrom: builtSourceDigests)
