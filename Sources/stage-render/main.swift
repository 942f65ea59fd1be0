import BuildProvenance
import PipelineCore
import Stages

StageMain.run(RenderStage.self, builtFrom: builtSourceDigests)
